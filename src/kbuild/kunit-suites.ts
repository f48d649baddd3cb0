// Finds a project's KUnit suites: built modules that carry KUnit's suite section, and sources that
// declare suites (which a kernel without CONFIG_KUNIT never builds, given the usual Kbuild guard).
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { findSection } from "../module/elf.js";
import { openModuleFile } from "../module/modinfo.js";
import { STATE_DIR } from "./build-log.js";

// kunit_test_suites() puts the suite pointers in this section (kunit_test_init_section_suites() in the second).
const SUITE_SECTIONS = [".kunit_test_suites", ".kunit_init_test_suites"];
const SUITE_DECLARATION = /\bkunit_test_(?:init_section_)?suites?\s*\(/;
const SKIPPED_DIRS = new Set([STATE_DIR, ".git", "node_modules"]);

export async function isKunitModule(path: string): Promise<boolean> {
  const { elf } = await openModuleFile(path);
  return SUITE_SECTIONS.some((name) => findSection(elf, name) !== undefined);
}

// Pure: whether C source text declares a KUnit suite (comments are not told apart: a rare false hit
// only adds a notice).
export const declaresKunitSuite = (text: string): boolean => SUITE_DECLARATION.test(text);

// The project's .c files (relative to dir) that declare KUnit suites.
export async function findKunitSources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const found: string[] = [];
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith(".c") || entry.name.endsWith(".mod.c")) continue;
    const path = join(entry.parentPath, entry.name);
    const relativePath = relative(dir, path);
    if (relativePath.split("/").some((part) => SKIPPED_DIRS.has(part))) continue;
    if (declaresKunitSuite(await readFile(path, "utf8"))) found.push(relativePath);
  }
  return found.sort();
}
