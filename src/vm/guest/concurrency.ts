// Pure: how many guests `kforge test` runs at once on several kernels. A TCG guest keeps one CPU busy,
// so no more guests than CPUs; each needs its memory plus QEMU's own (about 100 MiB measured here, 128
// to be safe), and half the free memory is left to the rest of the machine. Always at least one.
export const QEMU_OVERHEAD_MB = 128;

export function planGuestConcurrency(kernelCount: number, cpuCount: number, freeMemoryMb: number, guestMemoryMb: number): number {
  const byMemory = Math.floor(freeMemoryMb / 2 / (guestMemoryMb + QEMU_OVERHEAD_MB));
  return Math.max(1, Math.min(kernelCount, cpuCount, byMemory));
}
