import { describe, expect, it } from "vitest";
import { createQemuArguments } from "../../../src/vm/qemu/arguments.js";
import { ARM64_MACHINE } from "../../../src/vm/qemu/guest-machine.js";
import { machineArguments, snapshotKey } from "../../../src/vm/snapshot/key.js";

const base = { kernelImage: "/k/vmlinux", initramfs: "/t/initramfs.cpio", agentSocket: "/t/agent.sock", memoryMb: 256 };

describe("createQemuArguments", () => {
  it("builds a TCG guest on q35 with no defaults, no network and two serial ports", () => {
    const args = createQemuArguments({ ...base, accel: "tcg" });
    expect(args.slice(0, 4)).toEqual(["-machine", "q35,accel=tcg", "-cpu", "max"]);
    expect(args).toEqual(expect.arrayContaining(["-nodefaults", "-no-user-config", "-no-reboot", "-display", "none"]));
    expect(args.filter((arg) => arg === "-serial")).toHaveLength(2);
    expect(args).toContain("socket,id=agent,path=/t/agent.sock,server=on,wait=off");
    expect(args.filter((arg) => ["-netdev", "-nic", "-net"].includes(arg))).toEqual([]);
    expect(args[args.indexOf("-kernel") + 1]).toBe("/k/vmlinux");
    expect(args[args.indexOf("-initrd") + 1]).toBe("/t/initramfs.cpio");
  });

  it("uses the host CPU under KVM and appends extra kernel arguments after kforge's own", () => {
    const args = createQemuArguments({ ...base, accel: "kvm", append: ["module.sig_enforce=1"] });
    expect(args[args.indexOf("-cpu") + 1]).toBe("host");
    expect(args[args.indexOf("-append") + 1]).toBe("console=ttyS0 quiet panic=-1 tsc=unstable module.sig_enforce=1");
  });

  it("adds each emulated device as its own -device option, in order", () => {
    const args = createQemuArguments({ ...base, accel: "tcg", devices: ["edu", "usb-host,vendorid=0x046d,productid=0xc52b"] });
    const devices = args.flatMap((arg, index) => (arg === "-device" ? [args[index + 1]] : []));
    expect(devices).toEqual(["edu", "usb-host,vendorid=0x046d,productid=0xc52b"]);
    expect(createQemuArguments({ ...base, accel: "tcg" })).not.toContain("-device");
  });

  it("builds an arm64 guest on virt with its PL011 console and the agent on a virtio-serial port", () => {
    const args = createQemuArguments({ ...base, accel: "tcg", guest: ARM64_MACHINE, append: ["loglevel=8"] });
    expect(args.slice(0, 4)).toEqual(["-machine", "virt,accel=tcg", "-cpu", "max,pauth-impdef=on"]);
    expect(args.filter((arg) => arg === "-serial")).toHaveLength(1);
    expect(args).toEqual(expect.arrayContaining(["-device", "virtio-serial-pci", "virtserialport,chardev=agent"]));
    expect(args[args.indexOf("-append") + 1]).toBe("console=ttyAMA0 quiet panic=-1 loglevel=8");
  });

  it("gives an arm64 guest's saved state another key than an x86_64 guest's with the same files", () => {
    const paths = { kernel: base.kernelImage, initramfs: base.initramfs, agent: base.agentSocket, monitor: "", memory: "" };
    const key = (args: string[]) =>
      snapshotKey({ imageHash: "i", qemu: "q", initramfsHash: "r", machineArguments: machineArguments(args, paths) });
    const x86 = createQemuArguments({ ...base, accel: "tcg" });
    expect(key(createQemuArguments({ ...base, accel: "tcg", guest: ARM64_MACHINE }))).not.toBe(key(x86));
  });

  it("hands Ctrl-C to the guest in interactive mode", () => {
    expect(createQemuArguments({ ...base, accel: "tcg", interactive: true })).toContain("stdio,id=console,signal=off");
    expect(createQemuArguments({ ...base, accel: "tcg" })).toContain("stdio,id=console,signal=on");
  });

  it("puts the guest RAM in a file, shared when booting to save, private when restoring, and waits for QMP to name the state", () => {
    const saving = createQemuArguments({ ...base, accel: "tcg", memoryFile: { path: "/c/a,b.ram", shared: true } });
    expect(saving[saving.indexOf("-machine") + 1]).toBe("q35,accel=tcg,memory-backend=ram");
    expect(saving[saving.indexOf("-object") + 1]).toBe("memory-backend-file,id=ram,size=256M,mem-path=/c/a,,b.ram,share=on");
    expect(saving).not.toContain("-incoming");
    const restoring = createQemuArguments({ ...base, accel: "tcg", memoryFile: { path: "/c/k.ram", shared: false }, awaitIncoming: true });
    expect(restoring[restoring.indexOf("-object") + 1]).toBe("memory-backend-file,id=ram,size=256M,mem-path=/c/k.ram,share=off");
    expect(restoring.slice(-2)).toEqual(["-incoming", "defer"]);
    expect(createQemuArguments({ ...base, accel: "tcg" })).not.toContain("-object");
  });

  it("exports shared folders over virtio-9p, read-only unless writable, before -incoming", () => {
    const args = createQemuArguments({
      ...base,
      accel: "tcg",
      awaitIncoming: true,
      sharedFolders: [
        { tag: "kforge", path: "/t/a,b" },
        { tag: "out", path: "/p/out", writable: true },
      ],
    });
    expect(args.filter((_arg, index) => args[index - 1] === "-fsdev")).toEqual([
      "local,id=kforge,path=/t/a,,b,security_model=none,readonly=on",
      "local,id=out,path=/p/out,security_model=none",
    ]);
    expect(args).toContain("virtio-9p-pci,fsdev=kforge,mount_tag=kforge");
    expect(args.slice(-2)).toEqual(["-incoming", "defer"]);
    expect(createQemuArguments({ ...base, accel: "tcg" })).not.toContain("-fsdev");
  });
});
