import { describe, expect, it } from "vitest";
import { createQemuArguments } from "../../../src/vm/qemu/arguments.js";
import { machineArguments, snapshotKey } from "../../../src/vm/snapshot/key.js";

const machine = (runDir: string, extra: Partial<Parameters<typeof createQemuArguments>[0]> = {}) => {
  const paths = {
    kernel: "/k/vmlinux",
    initramfs: `${runDir}/initramfs.cpio`,
    agent: `${runDir}/agent.sock`,
    monitor: `${runDir}/qmp.sock`,
    // As guest/saved-state.ts names a shared folder's path.
    ...Object.fromEntries((extra.sharedFolders ?? []).map((folder) => [`share-${folder.tag}`, folder.path])),
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

  it("leaves the host userspace's project path out, whatever it is, though the host root is / (a prefix of every path)", () => {
    const project = (path: string) =>
      machine("/tmp/a", {
        sharedFolders: [
          { tag: "kforge-root", path: "/" },
          { tag: "kforge-project", path },
        ],
      });
    expect(project("/work/one")).toEqual(project("/home/user/two"));
    expect(project("/work/one").join(" ")).toContain("path=<share-kforge-project>,security_model=none,readonly=on");
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

  it("differs for the emulated devices and their order, which shapes the guest's PCI slots", () => {
    const keys = [
      key(machine("/tmp/a")),
      key(machine("/tmp/a", { devices: ["edu"] })),
      key(machine("/tmp/a", { devices: ["edu", "pci-testdev"] })),
      key(machine("/tmp/a", { devices: ["pci-testdev", "edu"] })),
    ];
    expect(new Set(keys).size).toBe(4);
    expect(key(machine("/tmp/a", { devices: ["edu"] }))).toBe(key(machine("/tmp/b", { devices: ["edu"] })));
  });
});
