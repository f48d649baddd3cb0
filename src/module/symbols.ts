// The symbols a .ko needs and exports, read from its ELF sections. Pure over a parsed ElfFile.
import { findSection, readCString, sectionBytes, type ElfFile } from "./elf.js";

const SHN_UNDEF = 0;
const SYMTAB = 2;

export interface ImportedSymbol {
  name: string;
  // CRC from __versions (CONFIG_MODVERSIONS), as 0x-prefixed hex.
  crc?: string;
}

export interface ExportedSymbol {
  name: string;
  gplOnly: boolean;
}

export interface ModuleSymbols {
  imports: ImportedSymbol[];
  exports: ExportedSymbol[];
}

interface SymbolEntry {
  name: string;
  sectionIndex: number;
  // Offset inside its section, for a relocatable .ko.
  value: number;
  // st_info's low nibble: 2 is STT_FUNC.
  type: number;
}

const STT_FUNC = 2;

function readSymbolTable(elf: ElfFile): SymbolEntry[] {
  const table = elf.sections.find((section) => section.type === SYMTAB);
  const strings = table ? elf.sections[table.link] : undefined;
  if (!table || !strings) return [];
  const bytes = sectionBytes(elf, table);
  const names = sectionBytes(elf, strings);
  const size = elf.is64 ? 24 : 16;
  const entries: SymbolEntry[] = [];
  for (let offset = 0; offset + size <= bytes.length; offset += size) {
    const nameOffset = elf.littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset);
    const indexOffset = offset + (elf.is64 ? 6 : 14);
    const sectionIndex = elf.littleEndian ? bytes.readUInt16LE(indexOffset) : bytes.readUInt16BE(indexOffset);
    // Elf64_Sym has st_value after st_shndx (offset 8); Elf32_Sym right after st_name (offset 4).
    const value = elf.is64
      ? Number(elf.littleEndian ? bytes.readBigUInt64LE(offset + 8) : bytes.readBigUInt64BE(offset + 8))
      : elf.littleEndian
        ? bytes.readUInt32LE(offset + 4)
        : bytes.readUInt32BE(offset + 4);
    const type = bytes[offset + (elf.is64 ? 4 : 12)]! & 0xf;
    entries.push({ name: readCString(names, nameOffset), sectionIndex, value, type });
  }
  return entries;
}

// Where a defined symbol lives: its section's name and its offset there (what addr2line -j takes).
export function findDefinedSymbol(elf: ElfFile, name: string): { section: string; offset: number } | undefined {
  const symbol = readSymbolTable(elf).find(
    (entry) => entry.name === name && entry.sectionIndex !== 0 && entry.sectionIndex < elf.sections.length,
  );
  const section = symbol && elf.sections[symbol.sectionIndex];
  return symbol && section ? { section: section.name, offset: symbol.value } : undefined;
}

// The function that holds `offset` in section `sectionName`, as "name+offset" parts: the nearest
// function symbol at or below it (a reverse symbol lookup for an address inside a loaded module).
export function findFunctionAt(elf: ElfFile, sectionName: string, offset: number): { name: string; offset: number } | undefined {
  const sectionIndex = elf.sections.findIndex((section) => section.name === sectionName);
  if (sectionIndex <= 0) return undefined;
  const nearest = readSymbolTable(elf)
    .filter((entry) => entry.sectionIndex === sectionIndex && entry.type === STT_FUNC && entry.name && entry.value <= offset)
    .sort((left, right) => right.value - left.value)[0];
  return nearest && { name: nearest.name, offset: offset - nearest.value };
}

// struct modversion_info { unsigned long crc; char name[64 - sizeof(unsigned long)]; }: 64-byte
// entries on 64-bit and 32-bit alike (checked on 6.1 and 6.12 modules).
export function readVersions(elf: ElfFile): Map<string, string> {
  const section = findSection(elf, "__versions");
  const crcs = new Map<string, string>();
  if (!section) return crcs;
  const bytes = sectionBytes(elf, section);
  const crcSize = elf.is64 ? 8 : 4;
  for (let offset = 0; offset + 64 <= bytes.length; offset += 64) {
    const crc = elf.littleEndian ? bytes.readUInt32LE(offset) : bytes.readUInt32BE(offset + crcSize - 4);
    const name = readCString(bytes.subarray(offset + crcSize, offset + 64), 0);
    if (name) crcs.set(name, `0x${crc.toString(16).padStart(8, "0")}`);
  }
  return crcs;
}

export function readModuleSymbols(elf: ElfFile): ModuleSymbols {
  const symbols = readSymbolTable(elf);
  const versions = readVersions(elf);
  const imported = new Set<string>();
  const imports: ImportedSymbol[] = [];
  for (const symbol of symbols) {
    if (symbol.sectionIndex !== SHN_UNDEF || !symbol.name || imported.has(symbol.name)) continue;
    imported.add(symbol.name);
    const crc = versions.get(symbol.name);
    imports.push(crc ? { name: symbol.name, crc } : { name: symbol.name });
  }
  const gplSection = elf.sections.findIndex((section) => section.name === "__ksymtab_gpl");
  const exports = symbols
    .filter(
      (symbol) =>
        symbol.name.startsWith("__ksymtab_") &&
        symbol.sectionIndex !== SHN_UNDEF &&
        elf.sections[symbol.sectionIndex]?.name.startsWith("__ksymtab"),
    )
    .map((symbol) => ({ name: symbol.name.slice("__ksymtab_".length), gplOnly: symbol.sectionIndex === gplSection }));
  return { imports, exports };
}

// What modpost reads from a module's object: the symbols it needs from elsewhere and the ones it
// exports (6.1 marks an export with __ksymtab_<name>, 6.12 with __export_symbol_<name>).
export function readObjectLinkage(elf: ElfFile): { undefined: string[]; exported: string[] } {
  const symbols = readSymbolTable(elf).filter((symbol) => symbol.name !== "");
  const names = (wanted: (symbol: SymbolEntry) => boolean) => [...new Set(symbols.filter(wanted).map((symbol) => symbol.name))].sort();
  return {
    undefined: names((symbol) => symbol.sectionIndex === SHN_UNDEF),
    exported: names((symbol) => symbol.sectionIndex !== SHN_UNDEF && /^__(?:ksymtab|export_symbol)_/.test(symbol.name)),
  };
}
