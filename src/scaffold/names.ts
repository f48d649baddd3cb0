// Validates and normalises a module name given to `kforge new`. Pure.
import { UsageError } from "../errors.js";
import { C_KEYWORDS } from "./c-keywords.js";
import { KERNEL_PREFIXES, KERNEL_SYMBOLS } from "./kernel-symbols.js";

// MODULE_NAME_LEN is 64 - sizeof(unsigned long) including the NUL: 55 characters on 64-bit.
export const MAX_MODULE_NAME_LENGTH = 55;

export interface ModuleName {
  name: string;
  // Set when the name given was changed (dashes to underscores).
  notice?: string;
}

function reject(given: string, reason: string, hint: string): never {
  throw new UsageError(`invalid module name "${given}": ${reason}`, hint);
}

export function normaliseModuleName(given: string): ModuleName {
  if (given === "") reject(given, "the name is empty", "give a name such as my_driver");
  if (/[/\\]/.test(given) || given.includes("..")) {
    reject(given, "a module name cannot contain a path separator or ..", "give a plain name and choose the folder with --dir <path>");
  }
  const name = given.replaceAll("-", "_");
  const notice = name === given ? undefined : `module name "${given}" contains dashes; using "${name}" (a C identifier cannot contain "-")`;
  checkCharacters(given, name);
  checkCollisions(given, name);
  return notice ? { name, notice } : { name };
}

function checkCharacters(given: string, name: string): void {
  if (/[A-Z]/.test(name) && /^[A-Za-z][A-Za-z0-9_]*$/.test(name)) {
    reject(given, "module names are lowercase", `use "${name.toLowerCase()}"`);
  }
  if (!/^[a-z]/.test(name))
    reject(given, "a module name must start with a lowercase letter", "start the name with a letter, e.g. my_driver");
  const bad = name.match(/[^a-z0-9_]/);
  if (bad) reject(given, `character "${bad[0]}" is not allowed`, "use only lowercase letters, digits and _");
  if (name.length > MAX_MODULE_NAME_LENGTH) {
    reject(given, `${name.length} characters is too long; the kernel allows at most ${MAX_MODULE_NAME_LENGTH}`, "choose a shorter name");
  }
}

// Names kbuild and the module loader keep for the kernel itself: modpost treats a module called
// vmlinux as the kernel image, and the kernel refuses to load it ("invalid module name").
const RESERVED_NAMES = new Set(["vmlinux"]);

function checkCollisions(given: string, name: string): void {
  if (RESERVED_NAMES.has(name))
    reject(
      given,
      `"${name}" is reserved for the kernel image; the kernel refuses a module of that name`,
      `choose another name, e.g. "my_${name}"`,
    );
  if (C_KEYWORDS.has(name)) reject(given, `"${name}" is a C keyword`, `choose another name, e.g. "my_${name}"`);
  if (KERNEL_PREFIXES.has(name)) {
    reject(
      given,
      `generated symbols such as ${name}_init and ${name}_open would collide with the kernel's ${name}_* functions`,
      `choose a more specific name, e.g. "my_${name}"`,
    );
  }
  if (KERNEL_SYMBOLS.has(name)) reject(given, `"${name}" is a kernel symbol or macro`, `choose a more specific name, e.g. "my_${name}"`);
}
