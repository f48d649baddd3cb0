// Turns "function+0x13" inside a module into "file.c:line", from the .ko's own debug info (Debian
// builds modules with -g), the way the kernel's scripts/faddr2line does for a crash report.
import { binutilsFor } from "./binutils.js";
import { relative } from "node:path";
import { openModuleFile } from "./modinfo.js";
import { findDefinedSymbol } from "./symbols.js";

// One line of addr2line's answer ("/src/oops.c:8 (discriminator 1)" or "??:0").
function parseLocation(text: string): { file: string; line: number } | undefined {
  const match = /^(.+):(\d+)(?: \(discriminator \d+\))?$/.exec(text.trim());
  if (!match || match[1] === "??" || match[2] === "0") return undefined;
  return { file: match[1]!, line: Number(match[2]) };
}

// Pure: `addr2line -i` lists the inlined function's line first, then each caller's. The first one
// in the module's own sources (under `baseDir`) says more than a line in a kernel header.
export function chooseInlinedLocation(output: string, baseDir?: string): { file: string; line: number } | undefined {
  const locations = output
    .trim()
    .split("\n")
    .map(parseLocation)
    .filter((location) => location !== undefined);
  const own = baseDir ? locations.find((location) => !relative(baseDir, location.file).startsWith("..")) : undefined;
  return own ?? locations[0];
}

// "oops.c:8" (relative to `baseDir` when the source is under it), or undefined when the module has
// no such function, no debug info, or addr2line is missing.
export async function locateInModule(
  modulePath: string,
  functionName: string,
  offset: number,
  baseDir?: string,
): Promise<string | undefined> {
  const { elf } = await openModuleFile(modulePath);
  const symbol = findDefinedSymbol(elf, functionName);
  if (!symbol) return undefined;
  const { run } = await import("../process/exec.js");
  const result = await run(binutilsFor("addr2line", elf.machine), [
    "-i",
    "-e",
    modulePath,
    "-j",
    symbol.section,
    `0x${(symbol.offset + offset).toString(16)}`,
  ]);
  const location = result.exitCode === 0 ? chooseInlinedLocation(result.stdout, baseDir) : undefined;
  return location && relativeSource(`${location.file}:${location.line}`, baseDir);
}

// "/src/mod/oops.c:8" as "oops.c:8" when the file is under `baseDir`; other paths stay as they are.
export function relativeSource(source: string, baseDir?: string): string {
  if (!baseDir || !source.startsWith("/")) return source;
  const path = relative(baseDir, source);
  return path.startsWith("..") ? source : path;
}
