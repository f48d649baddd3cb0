// Reads a kernel module's .modinfo section (NUL-separated key=value strings) straight from the ELF
// file, so no modinfo binary is needed.
import { readFile, stat } from "node:fs/promises";
import { ExitCode, KforgeError } from "../errors.js";
import { ElfError, ELF_TYPE_RELOCATABLE, findSection, parseElf, sectionBytes, type ElfFile } from "./elf.js";

const COMPRESSED = /\.ko\.(xz|zst|gz)$/;

// What to do about a file that is not a loadable module: decompress it, or rebuild / fix the path.
function badModuleHint(path: string): string {
  const compressed = path.match(COMPRESSED)?.[1];
  if (compressed) return `decompress it first, e.g. ${compressed === "gz" ? "gunzip -k" : `${compressed} -dk`} ${path}`;
  return "give a kernel module (.ko) built by kbuild: rebuild it (kforge build) or check the path";
}

// A bad input file, not a kforge bug: every command reports it as a usage error (exit 2).
export class ModuleFileError extends KforgeError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`, { exitCode: ExitCode.usage, hint: badModuleHint(path) });
  }
}

export interface ModinfoEntry {
  key: string;
  value: string;
}

// Pure: split the raw section into ordered entries (keys repeat: alias, parm, parmtype, depends...).
export function parseModinfoSection(section: Buffer): ModinfoEntry[] {
  const entries: ModinfoEntry[] = [];
  for (const text of section.toString("utf8").split("\0")) {
    if (!text) continue;
    const equals = text.indexOf("=");
    if (equals <= 0) continue;
    entries.push({ key: text.slice(0, equals), value: text.slice(equals + 1) });
  }
  return entries;
}

export function firstValue(entries: readonly ModinfoEntry[], key: string): string | undefined {
  return entries.find((entry) => entry.key === key)?.value;
}

export function allValues(entries: readonly ModinfoEntry[], key: string): string[] {
  return entries.filter((entry) => entry.key === key).map((entry) => entry.value);
}

export interface LoadedModule {
  path: string;
  elf: ElfFile;
  modinfo: ModinfoEntry[];
}

// Opens a .ko and checks it is a relocatable ELF with a .modinfo section; every failure is a
// ModuleFileError with a readable reason.
export async function openModuleFile(path: string): Promise<LoadedModule> {
  let bytes: Buffer;
  try {
    // Reading a device (/dev/zero) or a FIFO never ends: only a regular file can be a module.
    if (!(await stat(path)).isFile())
      throw new ModuleFileError(path, "not a regular file (a folder, device or pipe): a module is a .ko file");
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof ModuleFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new ModuleFileError(path, code === "ENOENT" ? "no such file" : `cannot read the file (${code ?? String(error)})`);
  }
  return readModuleParts(path, () => {
    const elf = parseElf(bytes);
    if (elf.type !== ELF_TYPE_RELOCATABLE)
      throw new ModuleFileError(path, `not a kernel module: ELF type ${elf.type}, a .ko is a relocatable object (type 1)`);
    const section = findSection(elf, ".modinfo");
    if (!section)
      throw new ModuleFileError(path, "no .modinfo section: this is an object file, not a kernel module (was it linked by modpost?)");
    return { path, elf, modinfo: parseModinfoSection(sectionBytes(elf, section)) };
  });
}

// Runs a read of an opened module's sections (symbols, versions), turning a corrupt-ELF error into
// a ModuleFileError for the file.
export function readModuleParts<Result>(path: string, read: () => Result): Result {
  try {
    return read();
  } catch (error) {
    if (error instanceof ElfError) throw new ModuleFileError(path, `${error.message}; the file is corrupt or not a kernel module`);
    throw error;
  }
}

// The vermagic string of a .ko ("6.1.0-56-amd64 SMP preempt mod_unload modversions "), trimmed.
export async function readVermagic(path: string): Promise<string | undefined> {
  const module = await openModuleFile(path);
  return firstValue(module.modinfo, "vermagic")?.trim();
}
