import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fetchedKernelDir } from "../../../src/fs/cache-dir.js";
import { findKernelImage } from "../../../src/kernel/kernel-image.js";
import { imageArchitecture } from "../../../src/vm/qemu/image-architecture.js";
import { foreignKernel61, kernel61 } from "../../helpers/kernels.js";

const header = (path: string) => readFileSync(path).subarray(0, 4096);

describe("imageArchitecture", () => {
  it("tells Debian's amd64 bzImage, arm64 Image and armmp zImage apart by their headers", async () => {
    expect(imageArchitecture(header((await findKernelImage({ release: kernel61().release })).path))).toBe("x86_64");
    for (const [flavour, architecture] of [
      ["arm64", "arm64"],
      ["armmp", "arm"],
    ] as const) {
      const { release } = foreignKernel61(flavour);
      expect(imageArchitecture(header(join(fetchedKernelDir(release), "boot", `vmlinuz-${release}`)))).toBe(architecture);
    }
  });

  it("reads an uncompressed vmlinux's ELF machine, and names nothing for other bytes", () => {
    const elf = Buffer.alloc(64);
    elf.writeUInt32BE(0x7f454c46, 0);
    elf.writeUInt16LE(183, 0x12);
    expect(imageArchitecture(elf)).toBe("arm64");
    expect(imageArchitecture(Buffer.from("not a kernel at all"))).toBeUndefined();
  });
});
