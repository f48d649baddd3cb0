// The boot image of a kernel of another architecture than x86_64 is booted as it is: its
// architecture comes from its header alone, gzip'd or not, whatever follows it.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { prepareBootImage } from "../../../src/vm/qemu/vmlinux.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vmlinux-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// An arm64 Image's header: "ARM\x64" at 0x38 (Documentation/arch/arm64/booting.rst).
function arm64Header(): Buffer {
  const header = Buffer.alloc(0x40);
  header.write("ARM\x64", 0x38, "latin1");
  return header;
}

describe("prepareBootImage", () => {
  it("reads an arm64 image's header only: a 3 GiB image (more than Node reads into one buffer) is an arm64 image", async () => {
    const image = join(root, "Image");
    writeFileSync(image, arm64Header());
    truncateSync(image, 3 * 1024 ** 3);
    expect(await prepareBootImage(image)).toEqual({ path: image, entry: "image", architecture: "arm64" });
  });

  it("decompresses as much of a gzip'd image as it needs: a cut Image.gz is still an arm64 image", async () => {
    const image = join(root, "Image.gz");
    const whole = gzipSync(Buffer.concat([arm64Header(), Buffer.from(Array.from({ length: 1 << 20 }, (_, index) => index % 251))]));
    writeFileSync(image, whole.subarray(0, whole.length - 1000));
    expect(await prepareBootImage(image)).toEqual({ path: image, entry: "image", architecture: "arm64" });
  });
});
