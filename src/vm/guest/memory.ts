// Pure: the guest memory check, done before anything is built or booted. Measured with Debian's 6.1
// and 6.12 kernels under TCG: 64 MiB never reaches init (6.12 panics "System is deadlocked on
// memory", 6.1 hangs silently until the timeout), 96 MiB boots; 128 leaves room for bigger modules.
import { UsageError } from "../../errors.js";

export const MIN_GUEST_MEMORY_MB = 128;

export function checkGuestMemory(memoryMb: number, source: "--memory" | "kforge.json vm.memory"): void {
  if (memoryMb >= MIN_GUEST_MEMORY_MB) return;
  throw new UsageError(
    `${source} ${memoryMb} is too little memory for the guest: a Debian kernel needs at least ${MIN_GUEST_MEMORY_MB} MiB to boot`,
    `use ${source === "--memory" ? "--memory" : "vm.memory"} ${MIN_GUEST_MEMORY_MB} or more (the default is 256)`,
  );
}
