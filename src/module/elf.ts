// A small reader for 64- and 32-bit little/big-endian ELF files: just enough to find sections of a
// kernel module (.modinfo, __versions, .symtab). It never throws on bad input except through ElfError.

export class ElfError extends Error {}

export interface ElfSection {
  name: string;
  type: number;
  offset: number;
  size: number;
  link: number;
  entrySize: number;
}

export interface ElfFile {
  bytes: Buffer;
  is64: boolean;
  littleEndian: boolean;
  // e_type: 1 relocatable (.ko), 2 executable, 3 shared object
  type: number;
  machine: number;
  sections: ElfSection[];
}

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
export const ELF_TYPE_RELOCATABLE = 1;
export const ELF_MACHINE_NAMES: Record<number, string> = {
  3: "x86",
  40: "arm",
  62: "x86_64",
  183: "aarch64",
  243: "riscv",
  21: "powerpc64",
  22: "s390",
};

function reader(bytes: Buffer, is64: boolean, littleEndian: boolean) {
  const check = (offset: number, width: number) => {
    if (offset < 0 || offset + width > bytes.length)
      throw new ElfError(`truncated file: needs byte ${offset + width}, has ${bytes.length}`);
  };
  return {
    u16: (offset: number) => {
      check(offset, 2);
      return littleEndian ? bytes.readUInt16LE(offset) : bytes.readUInt16BE(offset);
    },
    u32: (offset: number) => {
      check(offset, 4);
      return littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
    },
    word: (offset: number) => {
      check(offset, is64 ? 8 : 4);
      if (!is64) return littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
      return Number(littleEndian ? bytes.readBigUInt64LE(offset) : bytes.readBigUInt64BE(offset));
    },
  };
}

export function parseElf(bytes: Buffer): ElfFile {
  if (bytes.length < 52 || !bytes.subarray(0, 4).equals(ELF_MAGIC)) throw new ElfError("not an ELF file (bad magic)");
  const elfClass = bytes[4];
  const dataEncoding = bytes[5];
  if (elfClass !== 1 && elfClass !== 2) throw new ElfError(`unknown ELF class ${elfClass}`);
  if (dataEncoding !== 1 && dataEncoding !== 2) throw new ElfError(`unknown ELF data encoding ${dataEncoding}`);
  const is64 = elfClass === 2;
  const littleEndian = dataEncoding === 1;
  const read = reader(bytes, is64, littleEndian);
  const type = read.u16(16);
  const machine = read.u16(18);
  const sectionHeaderOffset = read.word(is64 ? 0x28 : 0x20);
  const sectionHeaderSize = read.u16(is64 ? 0x3a : 0x2e);
  const sectionCount = read.u16(is64 ? 0x3c : 0x30);
  const namesIndex = read.u16(is64 ? 0x3e : 0x32);
  if (sectionHeaderOffset === 0 || sectionCount === 0) throw new ElfError("the file has no section headers");
  if (sectionHeaderOffset + sectionCount * sectionHeaderSize > bytes.length) {
    throw new ElfError(
      `truncated file: section headers end at byte ${sectionHeaderOffset + sectionCount * sectionHeaderSize}, file has ${bytes.length}`,
    );
  }
  const raw = [];
  for (let index = 0; index < sectionCount; index += 1) {
    const base = sectionHeaderOffset + index * sectionHeaderSize;
    raw.push({
      nameOffset: read.u32(base),
      type: read.u32(base + 4),
      offset: read.word(base + (is64 ? 0x18 : 0x10)),
      size: read.word(base + (is64 ? 0x20 : 0x14)),
      link: read.u32(base + (is64 ? 0x28 : 0x18)),
      entrySize: read.word(base + (is64 ? 0x38 : 0x24)),
    });
  }
  const names = raw[namesIndex];
  if (!names) throw new ElfError("section name table index out of range");
  const sections = raw.map((section) => ({
    name: readCString(bytes, names.offset + section.nameOffset),
    type: section.type,
    offset: section.offset,
    size: section.size,
    link: section.link,
    entrySize: section.entrySize,
  }));
  return { bytes, is64, littleEndian, type, machine, sections };
}

// e_machine from an ELF header alone (a program, not only a module); undefined for anything else.
export function elfHeaderMachine(bytes: Buffer): number | undefined {
  if (bytes.length < 20 || !bytes.subarray(0, 4).equals(ELF_MAGIC) || (bytes[5] !== 1 && bytes[5] !== 2)) return undefined;
  return bytes[5] === 1 ? bytes.readUInt16LE(18) : bytes.readUInt16BE(18);
}

export function readCString(bytes: Buffer, offset: number): string {
  if (offset >= bytes.length) return "";
  const end = bytes.indexOf(0, offset);
  return bytes.toString("utf8", offset, end === -1 ? bytes.length : end);
}

export function findSection(elf: ElfFile, name: string): ElfSection | undefined {
  return elf.sections.find((section) => section.name === name);
}

// The bytes of a section; a section that extends past the end of the file means the file is truncated.
export function sectionBytes(elf: ElfFile, section: ElfSection): Buffer {
  const NOBITS = 8;
  if (section.type === NOBITS) return Buffer.alloc(0);
  if (section.offset + section.size > elf.bytes.length) {
    throw new ElfError(
      `truncated file: section ${section.name} ends at byte ${section.offset + section.size}, file has ${elf.bytes.length}`,
    );
  }
  return elf.bytes.subarray(section.offset, section.offset + section.size);
}
