// What a module's Kbuild/Makefile reaches outside its own folder: `include $(src)/../Kbuild.common`,
// `-I$(src)/../include`, objects like `drv-y := ../common/helper.o`. A per-kernel mirror tree must hold
// these too (mirror.ts), and a change to them must count as a change (fingerprint.ts).
import { readFile, stat } from "node:fs/promises";
import { dirname, normalize, relative, resolve, sep } from "node:path";

// $(src), $(obj), $(M), $(PWD), $(CURDIR) and KBUILD_EXTMOD all name the module dir in a Kbuild.
const DIR_VARIABLE = /\$[({](?:src|obj|M|PWD|CURDIR|KBUILD_EXTMOD)[)}]((?:\/\.\.)+)((?:\/[^\s)"'$:,;=]+)*)/g;
const OBJECT_LIST = /^\s*[A-Za-z0-9_.$()-]+-(?:y|m|objs|\$\([A-Za-z0-9_]+\))\s*[:+]?=(.*)$/;

// Pure: paths outside the dir, relative to it ("../Kbuild.common", "../common"), that the texts name.
// An object's whole folder counts, since its source includes headers next to it.
export function findReachedPaths(texts: readonly string[]): string[] {
  const reached = new Set<string>();
  for (const text of texts) {
    const joined = text.replace(/\\\n/g, " ");
    for (const match of joined.matchAll(DIR_VARIABLE)) reached.add(normalize(`.${match[1]}${match[2] ?? ""}`.slice(2)).replace(/\/+$/, ""));
    for (const line of joined.split("\n")) {
      const list = OBJECT_LIST.exec(line.replace(/#.*$/, ""));
      for (const word of list?.[1]?.trim().split(/\s+/) ?? []) if (/^(?:\.\.\/)+\S+\.o$/.test(word)) reached.add(normalize(dirname(word)));
    }
  }
  return [...reached].filter((path) => path === ".." || path.startsWith(`..${sep}`)).sort();
}

export interface KbuildReach {
  // The folder to mirror: the dir itself, or the ancestor holding everything reached.
  root: string;
  // Absolute paths outside the dir that the build reads (files or folders).
  paths: string[];
}

// Follows included Kbuild fragments that are themselves outside the dir, a few levels deep.
export async function findKbuildReach(dir: string, kbuildTexts: readonly string[]): Promise<KbuildReach> {
  const paths = new Set<string>();
  let pending = findReachedPaths(kbuildTexts).map((path) => resolve(dir, path));
  for (let depth = 0; depth < 4 && pending.length > 0; depth++) {
    const next: string[] = [];
    for (const path of pending) {
      if (paths.has(path)) continue;
      paths.add(path);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) next.push(...findReachedPaths([await readFile(path, "utf8")]).map((found) => resolve(dir, found)));
    }
    pending = next;
  }
  const reached = [...paths].filter((path) => relative(dir, path).startsWith(".."));
  return { root: reached.reduce(commonAncestor, dir), paths: reached.sort() };
}

function commonAncestor(left: string, right: string): string {
  let ancestor = left;
  while (ancestor !== dirname(ancestor) && relative(ancestor, right).split(sep)[0] === "..") ancestor = dirname(ancestor);
  return ancestor;
}
