// Pure: the QEMU machine a guest of each architecture runs on, in one table. x86_64 keeps the guest's
// second 8250 UART (ttyS1) as the agent's channel; arm64's and 32-bit arm's virt machine has a single PL011 UART (the
// console), so its agent talks over a virtio-serial port, whose drivers Debian's arm kernels build as
// modules: /init loads them from the release's modules tree before it starts the agent. Measured under
// TCG: a virtconsole (hvc0, a tty) stalls on a file transfer of a few hundred KB (over virtio-mmio the
// kernel disables its interrupt as unhandled), while a plain port on virtio-serial-pci moves 256 KB in
// well under a second.
import { UsageError } from "../../errors.js";
import { ARCHITECTURES, hostArchitecture, type Architecture } from "../../kernel/architecture.js";

export interface GuestMachine {
  // The kernel's architecture name (architecture.ts).
  architecture: string;
  machineType: string;
  // -cpu under TCG (KVM always takes the host's).
  tcgCpu: string;
  // kforge's kernel command line (the user's --append follows).
  commandLine: string[];
  // How the agent's chardev (id "agent") reaches the guest.
  agentDevice: string[];
  // The agent's end of the channel in the guest.
  agentPort: string;
  // A tty (a UART) is made raw; a virtio-serial port reads end of file while no host is connected.
  agentPortIsTty: boolean;
  // In-tree modules /init loads before the agent, when the kernel has them as modules (in this order).
  agentModules: string[];
  // The most RAM (MiB) the machine takes, where that is less than a user may ask for.
  maxMemoryMb?: number;
}

export const X86_64_MACHINE: GuestMachine = {
  architecture: "x86_64",
  // q35 rather than microvm, which hangs on timer calibration under TCG.
  machineType: "q35",
  tcgCpu: "max",
  // tsc=unstable: under emulation the kernel refines its TSC calibration a second or two after boot and
  // switches clocksource, which would land in the first test step's kernel log as noise.
  commandLine: ["console=ttyS0", "quiet", "panic=-1", "tsc=unstable"],
  agentDevice: ["-serial", "chardev:agent"],
  agentPort: "/dev/ttyS1",
  agentPortIsTty: true,
  agentModules: [],
};

export const ARM64_MACHINE: GuestMachine = {
  architecture: "arm64",
  machineType: "virt",
  // Measured under TCG: QEMU's architected pointer-authentication (QARMA) makes a Debian kernel boot
  // 3-4 times slower than the implementation-defined algorithm, which a guest cannot tell apart.
  tcgCpu: "max,pauth-impdef=on",
  commandLine: ["console=ttyAMA0", "quiet", "panic=-1"],
  agentDevice: ["-device", "virtio-serial-pci", "-device", "virtserialport,chardev=agent"],
  agentPort: "/dev/vport0p1",
  agentPortIsTty: false,
  agentModules: ["virtio_pci", "virtio_console"],
};

// 32-bit arm (Debian's armhf armmp and armmp-lpae kernels, zImages) on the same virt machine, channel and
// modules. With -cpu max (which has LPAE), QEMU 7.2 still gives virt 32 bits of physical addresses, with RAM from
// 1 GiB up. -cpu cortex-a15 (40 bits) was tried: it moves the PCI config space above 4 GiB, out of an armmp
// kernel's reach (no agent port), and a 4 GiB armmp-lpae guest panicked in its init.
export const ARM_MACHINE: GuestMachine = { ...ARM64_MACHINE, architecture: "arm", tcgCpu: "max", maxMemoryMb: 3072 };

const MACHINES: readonly GuestMachine[] = [X86_64_MACHINE, ARM64_MACHINE, ARM_MACHINE];

// The machine for a kernel image's architecture (BootImage.architecture).
export function guestMachineFor(architecture: string, imagePath: string): GuestMachine {
  const machine = MACHINES.find((candidate) => candidate.architecture === architecture);
  if (machine) return machine;
  const known = MACHINES.map((candidate) => candidate.architecture).join(", ");
  throw new UsageError(
    `${imagePath} is a kernel for ${architecture}, and kforge boots only ${known} guests`,
    "build and load the module on a board of that architecture, or pick a kernel kforge can boot with --kernel or --vm-kernel",
  );
}

// QEMU would refuse more RAM than the machine addresses only once started ("Addressing limited to 32 bits").
export function checkGuestMemory(machine: GuestMachine, memoryMb: number): void {
  if (machine.maxMemoryMb === undefined || memoryMb <= machine.maxMemoryMb) return;
  throw new UsageError(
    `an ${machine.architecture} guest takes at most ${machine.maxMemoryMb} MiB of RAM, and ${memoryMb} MiB was asked for ` +
      "(--memory or vm.memory): QEMU's virt machine addresses 4 GiB for it, with RAM from 1 GiB up",
    `pass --memory ${machine.maxMemoryMb} or less, or set vm.memory in kforge.json to at most ${machine.maxMemoryMb}`,
  );
}

// KVM runs a guest only of the host's own architecture.
export const canUseKvm = (machine: GuestMachine, host: Architecture | undefined = hostArchitecture()): boolean =>
  host?.name === machine.architecture;

// The table row of a machine's architecture (its QEMU binary and package, ELF machine).
export const architectureOf = (machine: GuestMachine): Architecture =>
  ARCHITECTURES.find((architecture) => architecture.name === machine.architecture)!;
