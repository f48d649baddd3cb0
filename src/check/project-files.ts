// The files a project builds, read from what kbuild left in the tree it built in: each module's
// `<module>.mod` lists its objects (written before they compile, so a file that fails to compile is
// still listed); an object's source is the .c or .S beside it; a compiled object's `.<object>.cmd`
// lists the headers it read. Only files inside the tree count: kernel headers are not the project's.
import { readdir, readFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { isAccessible } from "../fs/files.js";
import { declaredModules } from "../kbuild/build-size.js";
import { parseRecordedCommand } from "../kbuild/cmd-file.js";
import { readKbuildFiles } from "../kbuild/module-dir.js";

// Relative to the module dir (and to the check tree, which mirrors it): .c and .S sources, and the
// project's headers they include.
export interface SourceFiles {
  sources: string[];
  headers: string[];
}

export interface ProjectFiles extends SourceFiles {
  // Objects whose compile succeeded, relative to the tree: the targets sparse checks.
  compiledObjects: string[];
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

// Pure: the headers a C file includes with quotes ("noisy.h"): the project's own, found beside it.
export function quotedIncludes(text: string): string[] {
  return [...text.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)].map((match) => match[1]!);
}

// Before the build, the files the Kbuild/Makefile names (obj-m and <module>-y lists, not through make
// variables) and the headers they include with quotes: checkpatch.pl and coccinelle start on these
// while kbuild compiles. The build's own list (readProjectFiles) settles what counts.
export async function readDeclaredFiles(dir: string): Promise<SourceFiles> {
  const objects = declaredModules(await readKbuildFiles(dir)).flatMap((module) => module.objects);
  const sources: string[] = [];
  for (const object of new Set(objects)) {
    const source = await sourceOf(dir, object);
    if (source) sources.push(source);
  }
  const headers = new Set<string>();
  const pending = [...sources];
  while (pending.length > 0) {
    const file = pending.pop()!;
    const text = await readFile(join(dir, file), "utf8").catch(() => "");
    for (const name of quotedIncludes(text)) {
      const header = normalize(join(dirname(file), name));
      if (header.startsWith("..") || headers.has(header) || !(await isAccessible(join(dir, header)))) continue;
      headers.add(header);
      pending.push(header);
    }
  }
  return { sources, headers: [...headers].sort() };
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
