// Pure: the guest memory check, done before anything is built or booted, and the memory a cold
// guest needs for its initramfs. Measured with Debian's 6.1 and 6.12 kernels under TCG: 64 MiB
// never reaches init (6.12 panics "System is deadlocked on memory", 6.1 hangs silently until the
// timeout), 96 MiB boots; 128 leaves room for bigger modules.
import { UsageError } from "../../errors.js";

export const MIN_GUEST_MEMORY_MB = 128;
const MIB = 1024 * 1024;
// Sizes are rounded up to this step, so a module growing by a few bytes does not change the machine.
const MEMORY_STEP_MB = 64;

export function checkGuestMemory(memoryMb: number, source: "--memory" | "kforge.json vm.memory"): void {
  if (memoryMb >= MIN_GUEST_MEMORY_MB) return;
  throw new UsageError(
    `${source} ${memoryMb} is too little memory for the guest: a Debian kernel needs at least ${MIN_GUEST_MEMORY_MB} MiB to boot`,
    `use ${source === "--memory" ? "--memory" : "vm.memory"} ${MIN_GUEST_MEMORY_MB} or more (the default is 256)`,
  );
}

export interface InitramfsSize {
  // The whole archive (busybox, the agent, the modules decompressed, the test files).
  bytes: number;
  // The largest module in it.
  largestModuleBytes: number;
}

// The kernel unpacks the initramfs into a tmpfs capped at half the guest's memory, while the archive
// itself still sits in guest memory (twice the archive); insmod then needs the largest module once
// more (the kernel's copy of the file beside the module's own memory). What the kernel and busybox
// need on top is the boot minimum.
export const neededGuestMemoryMb = (initramfs: InitramfsSize): number =>
  Math.ceil((MIN_GUEST_MEMORY_MB + (2 * initramfs.bytes + initramfs.largestModuleBytes) / MIB) / MEMORY_STEP_MB) * MEMORY_STEP_MB;

// The memory a cold guest boots with: the user's choice as it is (with a notice when it looks too
// small: the unpack check says for sure), the default raised to what the initramfs needs.
export function fitGuestMemory(
  memory: { mb: number; isDefault: boolean },
  initramfs: InitramfsSize,
): { memoryMb: number; notice?: string } {
  const needed = neededGuestMemoryMb(initramfs);
  if (needed <= memory.mb) return { memoryMb: memory.mb };
  const size = `${Math.ceil(initramfs.bytes / MIB)} MiB`;
  if (!memory.isDefault)
    return {
      memoryMb: memory.mb,
      notice: `${memory.mb} MiB of guest memory may be too little for the ${size} initramfs (about ${needed} MiB needed)`,
    };
  return {
    memoryMb: needed,
    notice:
      `guest memory: ${needed} MiB instead of the default ${memory.mb}, to fit the ${size} initramfs (the kernel unpacks ` +
      "it into a file system capped at half the guest's memory, and insmod copies each module again); " +
      "--memory or vm.memory sets it",
  };
}
