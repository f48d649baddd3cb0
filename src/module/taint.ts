// Kernel taint flags (Documentation/admin-guide/tainted-kernels.rst, kernel/panic.c taint_flags).
// Pure.

export interface TaintFlag {
  bit: number;
  letter: string;
  name: string;
  meaning: string;
}

export const TAINT_FLAGS: readonly TaintFlag[] = [
  { bit: 0, letter: "P", name: "PROPRIETARY_MODULE", meaning: "proprietary module loaded" },
  { bit: 1, letter: "F", name: "FORCED_MODULE", meaning: "module force-loaded" },
  { bit: 2, letter: "S", name: "CPU_OUT_OF_SPEC", meaning: "out-of-spec system" },
  { bit: 3, letter: "R", name: "FORCED_RMMOD", meaning: "module force-unloaded" },
  { bit: 4, letter: "M", name: "MACHINE_CHECK", meaning: "machine check exception occurred" },
  { bit: 5, letter: "B", name: "BAD_PAGE", meaning: "bad page referenced or unexpected page flags" },
  { bit: 6, letter: "U", name: "USER", meaning: "taint requested by userspace" },
  { bit: 7, letter: "D", name: "DIE", meaning: "kernel died recently (oops or BUG)" },
  { bit: 8, letter: "A", name: "OVERRIDDEN_ACPI_TABLE", meaning: "ACPI table overridden" },
  { bit: 9, letter: "W", name: "WARN", meaning: "kernel issued a warning" },
  { bit: 10, letter: "C", name: "CRAP", meaning: "staging driver loaded" },
  { bit: 11, letter: "I", name: "FIRMWARE_WORKAROUND", meaning: "workaround for a platform firmware bug applied" },
  { bit: 12, letter: "O", name: "OOT_MODULE", meaning: "externally-built (out-of-tree) module loaded" },
  { bit: 13, letter: "E", name: "UNSIGNED_MODULE", meaning: "unsigned module loaded on a kernel that supports signing" },
  { bit: 14, letter: "L", name: "SOFTLOCKUP", meaning: "soft lockup occurred" },
  { bit: 15, letter: "K", name: "LIVEPATCH", meaning: "kernel live-patched" },
  { bit: 16, letter: "X", name: "AUX", meaning: "auxiliary taint (distribution-defined)" },
  { bit: 17, letter: "T", name: "RANDSTRUCT", meaning: "kernel built with the randstruct plugin" },
  { bit: 18, letter: "N", name: "TEST", meaning: "an in-kernel test has been run" },
  { bit: 19, letter: "J", name: "FWCTL", meaning: "userspace used a mutating fwctl debug operation" },
];

export interface DecodedTaint {
  value: string;
  // Letters in bit order, G in place of P when bit 0 is clear (as the kernel prints "Tainted:").
  flags: TaintFlag[];
  unknownBits: number[];
}

// Accepts the decimal text of /proc/sys/kernel/tainted (an unsigned long) or a user's number
// (decimal or 0x hex); undefined when it is not a non-negative integer.
export function parseTaintValue(text: string): bigint | undefined {
  const trimmed = text.trim();
  if (!/^(?:\d+|0x[0-9a-f]+)$/i.test(trimmed)) return undefined;
  const value = BigInt(trimmed);
  return value < 1n << 64n ? value : undefined;
}

export function decodeTaint(value: bigint): DecodedTaint {
  const flags: TaintFlag[] = [];
  const unknownBits: number[] = [];
  for (let bit = 0; bit < 64; bit += 1) {
    if (!((value >> BigInt(bit)) & 1n)) continue;
    const flag = TAINT_FLAGS[bit];
    if (flag) flags.push(flag);
    else unknownBits.push(bit);
  }
  return { value: value.toString(), flags, unknownBits };
}

export function flagForLetter(letter: string): TaintFlag | undefined {
  return TAINT_FLAGS.find((flag) => flag.letter === letter);
}

// The taint string the kernel prints in an oops header: "G" when clean of P.
export function formatTaintLetters(decoded: DecodedTaint): string {
  const letters = decoded.flags.map((flag) => flag.letter).join("");
  return letters.startsWith("P") ? letters : `G${letters}`;
}

// Just the set letters, for compact reports: 12288 -> "OE", 0 -> ""; bits without a letter as "#25".
export function taintLetters(value: number | bigint): string {
  const decoded = decodeTaint(BigInt(value));
  return [...decoded.flags.map((flag) => flag.letter), ...decoded.unknownBits.map((bit) => `#${bit}`)].join("");
}
