// Pure: the QEMU command line for one throwaway guest of the machine's architecture (guest-machine.ts):
// no network, no default devices, nothing read from the user's QEMU config.
import { X86_64_MACHINE, type GuestMachine } from "./guest-machine.js";

export type Accel = "kvm" | "tcg";

export interface QemuOptions {
  accel: Accel;
  // The machine of the kernel's architecture; x86_64's when not given.
  guest?: GuestMachine;
  // The uncompressed vmlinux (PVH entry) or the bzImage.
  kernelImage: string;
  initramfs: string;
  // Unix socket QEMU listens on for the command channel (the guest's ttyS1).
  agentSocket: string;
  memoryMb: number;
  // Extra kernel command-line words, after kforge's own.
  append?: string[];
  // The console is the user's terminal (kforge vm --shell) instead of a stream kforge parses.
  interactive?: boolean;
  // Unix socket for QMP, through which a booted guest's state is saved (see snapshot/save.ts).
  monitorSocket?: string;
  // Guest RAM in a file instead of anonymous memory. A guest booted to be saved writes it (shared),
  // so its state is saved without the RAM; a restored guest maps the saved copy privately (copy on
  // write: the copy is never changed, and only the pages the guest reads are read).
  memoryFile?: { path: string; shared: boolean };
  // Start waiting for a saved state, which QMP then names (snapshot/restore.ts).
  awaitIncoming?: boolean;
  // QEMU -device values (qemu/devices.ts), in order: part of the machine, so of a saved state's key.
  devices?: string[];
  // Host folders exported over virtio-9p (vm/share/): the guest mounts each by its tag.
  sharedFolders?: SharedFolder[];
}

export interface SharedFolder {
  // The 9p mount tag, also the fsdev id: letters, digits and dashes.
  tag: string;
  path: string;
  writable?: boolean;
}

export function createQemuArguments(options: QemuOptions): string[] {
  const guest = options.guest ?? X86_64_MACHINE;
  return [
    "-machine",
    `${guest.machineType},accel=${options.accel}${options.memoryFile ? ",memory-backend=ram" : ""}`,
    "-cpu",
    options.accel === "kvm" ? "host" : guest.tcgCpu,
    "-m",
    String(options.memoryMb),
    ...(options.memoryFile ? ["-object", memoryBackend(options.memoryFile, options.memoryMb)] : []),
    "-smp",
    "1",
    "-nodefaults",
    "-no-user-config",
    "-display",
    "none",
    "-no-reboot",
    "-chardev",
    `stdio,id=console,signal=${options.interactive ? "off" : "on"}`,
    "-serial",
    "chardev:console",
    "-chardev",
    `socket,id=agent,path=${options.agentSocket},server=on,wait=off`,
    ...guest.agentDevice,
    "-kernel",
    options.kernelImage,
    "-initrd",
    options.initramfs,
    "-append",
    [...guest.commandLine, ...(options.append ?? [])].join(" "),
    ...(options.devices ?? []).flatMap((device) => ["-device", device]),
    ...(options.monitorSocket ? ["-qmp", `unix:${options.monitorSocket},server=on,wait=off`] : []),
    ...(options.sharedFolders ?? []).flatMap(sharedFolderArguments),
    ...(options.awaitIncoming ? ["-incoming", "defer"] : []),
  ];
}

// security_model=none: the guest sees the host's owners and modes, and what it writes is owned by
// QEMU's user; a read-only export refuses every write at QEMU, whatever the guest does.
const sharedFolderArguments = (folder: SharedFolder) => [
  "-fsdev",
  `local,id=${folder.tag},path=${folder.path.replaceAll(",", ",,")},security_model=none${folder.writable ? "" : ",readonly=on"}`,
  "-device",
  `virtio-9p-pci,fsdev=${folder.tag},mount_tag=${folder.tag}`,
];

// QEMU's option syntax escapes a comma in a value by doubling it.
const memoryBackend = (file: { path: string; shared: boolean }, memoryMb: number) =>
  `memory-backend-file,id=ram,size=${memoryMb}M,mem-path=${file.path.replaceAll(",", ",,")},share=${file.shared ? "on" : "off"}`;
