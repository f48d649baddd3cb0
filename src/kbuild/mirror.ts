// Mirrors a module's sources into .kforge/build/<release>/ as symlinks, so each kernel of a matrix
// build gets its own kbuild output tree and the source dir stays free of objects. Debian's 6.1 and
// 6.12 kbuild have no separate-output support for external modules (MO= arrived in 6.13), so the
// tree is links to the user's files; the user's files are never written. A Kbuild that reaches outside
// its folder (`include $(src)/../Kbuild.common`, `../common/helper.o`) gets the folder above mirrored
// too, with what it reaches: the tree then mirrors that ancestor and make runs in the dir's place in it.
import { lstat, mkdir, readdir, readlink, rm, stat, symlink } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, sep } from "node:path";
import { findKbuildReach, type KbuildReach } from "./kbuild-reach.js";
import { readKbuildFiles } from "./module-dir.js";

// Names kbuild writes into a module dir: never mirrored, so a dir once built in place stays clean here.
const BUILD_OUTPUT = /\.(o|ko|mod|mod\.c|symvers|order|dwo|a)$|^modules\.order$|^Module\.symvers$/;

export function mirrorDir(dir: string, release: string): string {
  return join(dir, ".kforge", "build", release);
}

// Source files of dir, relative to it; dotfiles (.kforge, .git, kbuild's .*.cmd) are never sources.
export async function listSourceFiles(dir: string, under = ""): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(join(dir, under), { withFileTypes: true })) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const path = join(under, entry.name);
    if (entry.isDirectory()) files.push(...(await listSourceFiles(dir, path)));
    else if (entry.isFile() && !BUILD_OUTPUT.test(entry.name)) files.push(path);
  }
  return files;
}

// The files outside the dir a build reads: each reached file, and the source files of each reached folder.
export async function listReachedFiles(reach: KbuildReach): Promise<string[]> {
  const files = new Set<string>();
  for (const path of reach.paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) files.add(path);
    else if (info?.isDirectory()) for (const source of await listSourceFiles(path)) files.add(join(path, source));
  }
  return [...files].sort();
}

export const reachOf = async (dir: string): Promise<KbuildReach> => findKbuildReach(dir, await readKbuildFiles(dir));

// Where make runs for a kernel: its tree, or the dir's place in it when the tree mirrors an ancestor.
export async function mirrorBuildDir(dir: string, release: string): Promise<string> {
  const reach = await reachOf(dir);
  return join(mirrorDir(dir, release), relative(reach.root, dir));
}

// Refreshes the mirror before each build: a link per source file, stale links removed. Returns the
// dir make runs in (mirrorBuildDir).
export async function refreshMirror(dir: string, release: string): Promise<string> {
  return refreshMirrorAt(dir, mirrorDir(dir, release));
}

// The same for a tree elsewhere under dir/.kforge (kforge check builds in its own).
export async function refreshMirrorAt(dir: string, target: string): Promise<string> {
  const reach = await reachOf(dir);
  const place = relative(reach.root, dir);
  const sources = new Set((await listSourceFiles(dir)).map((source) => join(place, source)));
  for (const path of await listReachedFiles(reach)) sources.add(relative(reach.root, path));
  await removeStaleLinks(target, target, sources);
  for (const source of sources) await linkSource(join(reach.root, source), join(target, source));
  return join(target, place);
}

// Maps a path make reported in a kernel's tree (relative to the dir make ran in, or absolute inside
// the tree) back to the source file it links to; other paths are returned as they are.
export async function mirrorSourceMapper(dir: string, release: string): Promise<(path: string) => string> {
  const tree = mirrorDir(dir, release);
  const reach = await reachOf(dir);
  return (path) => {
    const absolute = isAbsolute(path) ? path : join(dir, path);
    return absolute.startsWith(`${tree}${sep}`) ? join(reach.root, absolute.slice(tree.length + 1)) : absolute;
  };
}

async function linkSource(source: string, link: string): Promise<void> {
  const existing = await lstat(link).catch(() => undefined);
  if (existing?.isSymbolicLink() && (await readlink(link)) === source) return;
  if (existing) await rm(link, { recursive: true, force: true });
  await mkdir(dirname(link), { recursive: true });
  await symlink(source, link).catch(async (error: NodeJS.ErrnoException) => {
    // Another kforge refreshing the same tree (a matrix build beside this one) made it first.
    if (error.code !== "EEXIST" || (await readlink(link).catch(() => undefined)) !== source) throw error;
  });
}

async function removeStaleLinks(root: string, current: string, wanted: Set<string>): Promise<void> {
  const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(current, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".")) await removeStaleLinks(root, path, wanted);
    else if (entry.isSymbolicLink() && !wanted.has(relative(root, path))) await rm(path, { force: true });
  }
}
