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
    ...(options.monitorSocket ? ["-qmp", `unix:${options.monitorSocket},server=on,wait=off`] : []),
    ...(options.awaitIncoming ? ["-incoming", "defer"] : []),
  ];
}

// QEMU's option syntax escapes a comma in a value by doubling it.
const memoryBackend = (file: { path: string; shared: boolean }, memoryMb: number) =>
  `memory-backend-file,id=ram,size=${memoryMb}M,mem-path=${file.path.replaceAll(",", ",,")},share=${file.shared ? "on" : "off"}`;
