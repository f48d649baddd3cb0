// Pure: the header every .gcno (compile time) and .gcda (run time) file starts with, in the byte
// order of the machine that wrote it: a magic word, the GCC version that wrote it, and the stamp of
// the compilation. A .gcda belongs to a .gcno only when both carry the same stamp: a module rebuilt
// after it was loaded has new notes and old counters, which gcov would misread or reject.

export interface GcovHeader {
  kind: "notes" | "data";
  // "B22*": GCC 12.2.
  version: string;
  gccMajor: number;
  stamp: number;
}

const MAGIC = new Map<number, GcovHeader["kind"]>([
  [0x67636e6f, "notes"],
  [0x67636461, "data"],
]);

export function parseGcovHeader(bytes: Uint8Array): GcovHeader | undefined {
  if (bytes.length < 12) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const littleEndian of [true, false]) {
    const kind = MAGIC.get(view.getUint32(0, littleEndian));
    if (!kind) continue;
    const word = view.getUint32(4, littleEndian);
    const version = String.fromCharCode(word >>> 24, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
    return { kind, version, gccMajor: gccMajorOf(version), stamp: view.getUint32(8, littleEndian) };
  }
  return undefined;
}

// gcov-io: the first character counts tens from "A", the second the units ("B22*" is 12.2, "A93*" 9.3).
export const gccMajorOf = (version: string): number => (version.charCodeAt(0) - 65) * 10 + (version.charCodeAt(1) - 48);

// Why counters from the guest cannot be read against the build's notes, or undefined when they can.
export function describeMismatch(object: string, notes: GcovHeader | undefined, data: GcovHeader | undefined): string | undefined {
  if (notes?.kind !== "notes") return `${object}.gcno is not a gcov notes file`;
  if (data?.kind !== "data") return `${object}.gcda from the guest is not a gcov data file`;
  if (notes.version !== data.version)
    return (
      `${object}.gcda was written for GCC ${data.gccMajor} (version ${data.version}), ` +
      `its .gcno by GCC ${notes.gccMajor} (${notes.version})`
    );
  if (notes.stamp !== data.stamp)
    return (
      `${object}.gcda does not match ${object}.gcno (stamp ${hex(data.stamp)} ` +
      `against ${hex(notes.stamp)}): the module was rebuilt after the guest loaded it`
    );
  return undefined;
}

const hex = (value: number) => `0x${value.toString(16).padStart(8, "0")}`;
