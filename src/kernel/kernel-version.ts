// The kernel version a tree's top-level Makefile declares, for kernel sources (`kforge kernel build`)
// and build trees (`--debug` picks the debug kernel of the selected tree's version).
import { readFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

// Pure: "6.12.117" from a top-level kernel Makefile (VERSION, PATCHLEVEL, SUBLEVEL, EXTRAVERSION).
export function parseMakefileVersion(text: string): string | undefined {
  const field = (name: string) => new RegExp(`^${name}[ \\t]*=[ \\t]*(\\S*)`, "m").exec(text)?.[1];
  const [version, patchlevel, sublevel] = [field("VERSION"), field("PATCHLEVEL"), field("SUBLEVEL")];
  if (!version || !patchlevel) return undefined;
  return `${version}.${patchlevel}${sublevel ? `.${sublevel}` : ""}${field("EXTRAVERSION") ?? ""}`;
}

// A Debian headers tree's Makefile is one `include <common dir>/Makefile` line: follow it once.
export async function readKernelVersion(kdir: string): Promise<string | undefined> {
  const text = await readFile(join(kdir, "Makefile"), "utf8").catch(() => "");
  const included = /^include (\S+)$/m.exec(text)?.[1];
  if (parseMakefileVersion(text) || !included || !isAbsolute(included)) return parseMakefileVersion(text);
  return parseMakefileVersion(await readFile(included, "utf8").catch(() => ""));
}
