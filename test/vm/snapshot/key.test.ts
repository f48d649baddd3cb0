import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeFileTransfer, TRANSFER_BLOCK_BYTES } from "../../../src/vm/guest/files.js";
import { createQemuArguments } from "../../../src/vm/qemu/arguments.js";
import { machineArguments, snapshotKey } from "../../../src/vm/snapshot/key.js";

const machine = (runDir: string, extra: Partial<Parameters<typeof createQemuArguments>[0]> = {}) => {
  const paths = {
    kernel: "/k/vmlinux",
    initramfs: `${runDir}/initramfs.cpio`,
    agent: `${runDir}/agent.sock`,
    monitor: `${runDir}/qmp.sock`,
  };
  const args = createQemuArguments({
    accel: "tcg",
    kernelImage: paths.kernel,
    initramfs: paths.initramfs,
    agentSocket: paths.agent,
    monitorSocket: paths.monitor,
    memoryMb: 256,
    ...extra,
  });
  return machineArguments(args, paths);
};
const key = (args: string[], imageHash = "a".repeat(64)) =>
  snapshotKey({
    imageHash,
    qemu: "/usr/bin/qemu-system-x86_64 QEMU emulator version 7.2.0",
    initramfsHash: "b".repeat(64),
    machineArguments: args,
  });

describe("snapshotKey", () => {
  it("is the same for two runs of one machine in different temp dirs", () => {
    expect(machine("/tmp/kforge-vm-1")).toEqual(machine("/tmp/kforge-vm-2"));
    expect(machine("/tmp/kforge-vm-1").join(" ")).not.toContain("/tmp/kforge-vm-1");
    expect(key(machine("/tmp/a"))).toBe(key(machine("/tmp/b")));
  });

  it("differs for memory, the kernel command line, the accelerator and the image", () => {
    const base = key(machine("/tmp/a"));
    const others = [
      key(machine("/tmp/a", { memoryMb: 320 })),
      key(machine("/tmp/a", { append: ["module.sig_enforce=1"] })),
      key(machine("/tmp/a", { accel: "kvm" })),
      key(machine("/tmp/a"), "c".repeat(64)),
    ];
    expect(new Set([base, ...others]).size).toBe(5);
  });
});

describe("encodeFileTransfer", () => {
  it("sends a header with size, md5 and path, then the bytes padded to whole blocks", () => {
    const data = Buffer.from("insmod me\n");
    const encoded = encodeFileTransfer(7, "/kforge/work/check.sh", data);
    const header = `F 7 10 ${createHash("md5").update(data).digest("hex")} /kforge/work/check.sh\n`;
    expect(encoded.subarray(0, header.length).toString()).toBe(header);
    expect(encoded.subarray(header.length, header.length + 10)).toEqual(data);
    expect(encoded.length - header.length).toBe(TRANSFER_BLOCK_BYTES);
    expect(encoded.subarray(header.length + 10).every((byte) => byte === 0)).toBe(true);
  });

  it("sends exact multiples of a block without padding, and nothing for an empty file", () => {
    const block = Buffer.alloc(TRANSFER_BLOCK_BYTES * 2, 0xff);
    const encoded = encodeFileTransfer(1, "/kforge/modules/a.ko", block);
    expect(encoded.length - encoded.indexOf("\n") - 1).toBe(block.length);
    const empty = encodeFileTransfer(2, "/kforge/work/empty", Buffer.alloc(0));
    expect(empty.toString()).toMatch(/^F 2 0 d41d8cd98f00b204e9800998ecf8427e \/kforge\/work\/empty\n$/);
  });

  it("refuses a guest path the agent would split or expand", () => {
    expect(() => encodeFileTransfer(1, "/kforge/work/my test.sh", Buffer.alloc(1))).toThrow(/rename the file|characters/);
    expect(() => encodeFileTransfer(1, "/kforge/work/$(reboot)", Buffer.alloc(1))).toThrow(/characters/);
  });
});
