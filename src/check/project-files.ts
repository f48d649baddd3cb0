// The files a project builds, read from what kbuild left in the tree it built in: each module's
// `<module>.mod` lists its objects (written before they compile, so a file that fails to compile is
// still listed); an object's source is the .c or .S beside it; a compiled object's `.<object>.cmd`
// lists the headers it read. Only files inside the tree count: kernel headers are not the project's.
import { readdir, readFile } from "node:fs/promises";
import { isAbsolute, join, relative } from "node:path";
import { isAccessible } from "../fs/files.js";
import { parseRecordedCommand } from "../kbuild/cmd-file.js";

export interface ProjectFiles {
  // Objects whose compile succeeded, relative to the tree: the targets sparse checks.
  compiledObjects: string[];
  // .c and .S sources of every object, and the project's headers they include, relative to the tree.
  sources: string[];
  headers: string[];
}

// Pure: the objects a .mod file lists (absolute in 6.1 and 6.12), relative to the tree.
export function parseModFile(text: string, tree: string): string[] {
  return text
    .split(/\s+/)
    .filter((word) => word.endsWith(".o"))
    .map((object) => (isAbsolute(object) ? relative(tree, object) : object))
    .filter((object) => !object.startsWith(".."));
}

// Pure: the dependencies of a compile that are files of the tree (relative), for the headers.
export function projectDependencies(dependencies: readonly string[], tree: string): string[] {
  return dependencies
    .filter((path) => isAbsolute(path))
    .map((path) => relative(tree, path))
    .filter((path) => !path.startsWith("..") && !isAbsolute(path));
}

export async function readProjectFiles(tree: string): Promise<ProjectFiles> {
  const modFiles = (await listFiles(tree)).filter((path) => path.endsWith(".mod") && !path.split("/").at(-1)!.startsWith("."));
  const objects = new Set<string>();
  for (const modFile of modFiles) for (const object of parseModFile(await readFile(join(tree, modFile), "utf8"), tree)) objects.add(object);
  const compiledObjects: string[] = [];
  const sources: string[] = [];
  const headers = new Set<string>();
  for (const object of [...objects].sort()) {
    const source = await sourceOf(tree, object);
    if (source) sources.push(source);
    const slash = object.lastIndexOf("/") + 1;
    const commandFile = await readFile(join(tree, `${object.slice(0, slash)}.${object.slice(slash)}.cmd`), "utf8").catch(() => undefined);
    const recorded = commandFile === undefined ? undefined : parseRecordedCommand(commandFile);
    if (!recorded || !(await isAccessible(join(tree, object)))) continue;
    compiledObjects.push(object);
    for (const path of projectDependencies(recorded.dependencies, tree)) if (path.endsWith(".h")) headers.add(path);
  }
  return { compiledObjects, sources, headers: [...headers].sort() };
}

async function sourceOf(tree: string, object: string): Promise<string | undefined> {
  for (const extension of [".c", ".S"]) {
    const source = object.replace(/\.o$/, extension);
    if (await isAccessible(join(tree, source))) return source;
  }
  return undefined;
}

// Every file under dir, relative; kforge's own state is skipped.
async function listFiles(dir: string, under = ""): Promise<string[]> {
  const entries = await readdir(join(dir, under), { withFileTypes: true }).catch(() => []);
  const files: string[] = [];
  for (const entry of entries) {
    const path = join(under, entry.name);
    if (entry.isDirectory() && entry.name !== ".kforge") files.push(...(await listFiles(dir, path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}
