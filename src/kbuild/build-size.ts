// How big a build is, for the progress row: the objects to compile and the modules to link, read
// from the project's Kbuild/Makefile obj-m and <module>-y/-objs lists, or else counted from the
// previous build's .cmd files. undefined when neither says.
import { readdir } from "node:fs/promises";
import { readKbuildFiles } from "./module-dir.js";

export interface BuildSize {
  objects: number;
  modules: number;
}

const ASSIGNMENT = /^\s*([\w$()-]+?)\s*(?::=|\+=|=)\s*(.*)$/;

// Pure: obj-m names the modules; a module with a <name>-y or <name>-objs list is linked from those
// objects, any other is its own single object. Lists built from make variables are not followed.
// Each module with its objects, in the order obj-m names them (kforge check reads the sources from it).
export function declaredModules(texts: string[]): { module: string; objects: string[] }[] {
  const lists = new Map<string, string[]>();
  for (const line of texts.join("\n").replace(/\\\n/g, " ").split("\n")) {
    const match = ASSIGNMENT.exec(line.replace(/#.*/, ""));
    if (!match) continue;
    const words = match[2]!.split(/\s+/).filter((word) => word.endsWith(".o"));
    lists.set(match[1]!, [...(lists.get(match[1]!) ?? []), ...words]);
  }
  return (lists.get("obj-m") ?? []).map((word) => {
    const module = word.slice(0, -2);
    const parts = lists.get(`${module}-y`) ?? lists.get(`${module}-objs`) ?? [];
    return { module, objects: parts.length > 0 ? parts : [word] };
  });
}

export function countKbuildObjects(texts: string[]): BuildSize | undefined {
  const modules = declaredModules(texts);
  if (modules.length === 0) return undefined;
  return { objects: modules.reduce((total, module) => total + module.objects.length, 0), modules: modules.length };
}

// Pure: kbuild leaves .<object>.o.cmd per built object and .<module>.ko.cmd per linked module; the
// .mod.o glue objects are not the project's own. (A composite module's link also leaves a .o.cmd,
// so this can count one object too many per composite: the Kbuild lists are tried first.)
export function countCommandFiles(names: string[]): BuildSize | undefined {
  const commandFiles = names.filter((name) => name.startsWith(".") && name.endsWith(".cmd"));
  const modules = commandFiles.filter((name) => name.endsWith(".ko.cmd")).length;
  const objects = commandFiles.filter(
    (name) => name.endsWith(".o.cmd") && !name.endsWith(".mod.o.cmd") && !name.endsWith(".module-common.o.cmd"),
  ).length;
  return modules > 0 ? { objects: Math.max(objects, modules), modules } : undefined;
}

export async function estimateBuildSize(dir: string): Promise<BuildSize | undefined> {
  const fromLists = countKbuildObjects(await readKbuildFiles(dir));
  if (fromLists) return fromLists;
  return countCommandFiles(await readdir(dir).catch(() => []));
}
