// Pure: the architecture a kernel image is for, from its header, so the guest machine follows the image
// QEMU boots (a --vm-kernel included) rather than a name: an x86 bzImage has "HdrS" at 0x202, an arm64
// Image "ARM\x64" at 0x38 (Documentation/arch/arm64/booting.rst), a 32-bit arm zImage 0x016f2818 at 0x24,
// and an uncompressed vmlinux says its machine in the ELF header.
const ELF_MACHINES: Record<number, string> = { 62: "x86_64", 183: "arm64", 40: "arm" };

export function imageArchitecture(header: Buffer): string | undefined {
  if (header.length >= 0x206 && header.toString("latin1", 0x202, 0x206) === "HdrS") return "x86_64";
  if (header.length >= 0x3c && header.readUInt32LE(0x38) === 0x644d5241) return "arm64";
  if (header.length >= 0x28 && header.readUInt32LE(0x24) === 0x016f2818) return "arm";
  if (header.length >= 0x14 && header.readUInt32BE(0) === 0x7f454c46) return ELF_MACHINES[header.readUInt16LE(0x12)];
  return undefined;
}
