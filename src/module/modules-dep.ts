// modules.dep (written by depmod) and the in-tree dependency closure of module names, as modprobe
// would load them: dependencies first, each module once.
import { stat } from "node:fs/promises";
import { readOptionalText } from "../fs/files.js";
import { basename, join } from "node:path";

const MODULE_SUFFIX = /\.ko(\.(xz|zst|gz))?$/;

// "kernel/fs/fat/vfat.ko.xz" -> "vfat"; "intel-uncore.ko" -> "intel_uncore" (the kernel's own
// name for a module never has dashes).
export function moduleNameFromPath(path: string): string {
  return basename(path).replace(MODULE_SUFFIX, "").replaceAll("-", "_");
}

// Pure: "path: dep1 dep2" lines into path -> dependency paths. Lines without a colon are skipped.
export function parseModulesDep(text: string): Map<string, string[]> {
  const dependencies = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const path = line.slice(0, colon).trim();
    const rest = line.slice(colon + 1).trim();
    dependencies.set(path, rest ? rest.split(/\s+/) : []);
  }
  return dependencies;
}

// Pure: modules.builtin lists one path per line; returns the module names built into the kernel.
export function parseModulesBuiltin(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    if (line.trim()) names.add(moduleNameFromPath(line.trim()));
  }
  return names;
}

export interface InTreeResolution {
  // Absolute paths, dependencies first, each once.
  files: string[];
  // Names found neither in modules.dep nor in modules.builtin.
  unknown: string[];
  // Names built into the kernel: nothing to load.
  builtin: string[];
}

// Pure: the load order for `names` given a parsed modules.dep and the builtin names.
export function orderInTreeModules(
  dependencies: Map<string, string[]>,
  builtinNames: ReadonlySet<string>,
  names: readonly string[],
  pathByName: ReadonlyMap<string, string> = indexByName(dependencies),
): { paths: string[]; unknown: string[]; builtin: string[] } {
  const paths: string[] = [];
  const visited = new Set<string>();
  const visit = (path: string) => {
    if (visited.has(path)) return;
    visited.add(path);
    // depmod lists the deepest dependency last; modprobe loads from the end of the list.
    for (const dependency of [...(dependencies.get(path) ?? [])].reverse()) visit(dependency);
    paths.push(path);
  };
  const unknown: string[] = [];
  const builtin: string[] = [];
  for (const name of names) {
    const normalized = name.replaceAll("-", "_");
    const path = pathByName.get(normalized);
    if (path) visit(path);
    else if (builtinNames.has(normalized)) pushOnce(builtin, normalized);
    else pushOnce(unknown, name);
  }
  return { paths, unknown, builtin };
}

// Pure: each module's name -> its path in modules.dep.
export function indexByName(dependencies: Map<string, string[]>): Map<string, string> {
  const pathByName = new Map<string, string>();
  for (const path of dependencies.keys()) pathByName.set(moduleNameFromPath(path), path);
  return pathByName;
}

function pushOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

// `modulesDir` is /lib/modules/<release> (or a copy of it). A missing modules.dep makes every name
// unknown rather than failing: the caller decides whether that matters.
export async function resolveInTreeDependencies(modulesDir: string, names: string[]): Promise<InTreeResolution> {
  const { dependencies, builtinNames, pathByName } = await readModulesIndex(modulesDir);
  const { paths, unknown, builtin } = orderInTreeModules(dependencies, builtinNames, names, pathByName);
  return { files: paths.map((path) => (path.startsWith("/") ? path : join(modulesDir, path))), unknown, builtin };
}

interface ModulesIndex {
  dependencies: Map<string, string[]>;
  builtinNames: Set<string>;
  pathByName: Map<string, string>;
}

// Parsed indexes by modules dir, with the sizes and mtimes they were read at: one guest run resolves
// its agent's, its file share's and the project's in-tree modules, and a release's modules.dep has
// thousands of lines. Callers share the maps and must not change them.
const parsed = new Map<string, { stamp: string; index: ModulesIndex }>();

async function readModulesIndex(modulesDir: string): Promise<ModulesIndex> {
  const files = [join(modulesDir, "modules.dep"), join(modulesDir, "modules.builtin")];
  const stamp = (
    await Promise.all(
      files.map((path) =>
        stat(path).then(
          (info) => `${info.size}:${info.mtimeMs}`,
          () => "-",
        ),
      ),
    )
  ).join(" ");
  const known = parsed.get(modulesDir);
  if (known?.stamp === stamp) return known.index;
  const [depText, builtinText] = await Promise.all(files.map(readOptionalText));
  const dependencies = parseModulesDep(depText ?? "");
  const index = { dependencies, builtinNames: parseModulesBuiltin(builtinText ?? ""), pathByName: indexByName(dependencies) };
  parsed.set(modulesDir, { stamp, index });
  return index;
}
