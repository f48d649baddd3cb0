// Mirrors a module's sources into .kforge/build/<release>/ as symlinks, so each kernel of a matrix
// build gets its own kbuild output tree and the source dir stays free of objects. Debian's 6.1 and
// 6.12 kbuild have no separate-output support for external modules (MO= arrived in 6.13), so the
// tree is links to the user's files; the user's files are never written.
import { lstat, mkdir, readdir, readlink, rm, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";

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

// Refreshes the mirror before each build: a link per source file, stale links removed.
export async function refreshMirror(dir: string, release: string): Promise<string> {
  return refreshMirrorAt(dir, mirrorDir(dir, release));
}

// The same for a tree elsewhere under dir/.kforge (kforge check builds in its own).
export async function refreshMirrorAt(dir: string, target: string): Promise<string> {
  const sources = await listSourceFiles(dir);
  const wanted = new Set(sources);
  await removeStaleLinks(target, target, wanted);
  for (const source of sources) await linkSource(join(dir, source), join(target, source));
  return target;
}

async function linkSource(source: string, link: string): Promise<void> {
  const existing = await lstat(link).catch(() => undefined);
  if (existing?.isSymbolicLink() && (await readlink(link)) === source) return;
  if (existing) await rm(link, { recursive: true, force: true });
  await mkdir(dirname(link), { recursive: true });
  await symlink(source, link);
}

async function removeStaleLinks(root: string, current: string, wanted: Set<string>): Promise<void> {
  const entries = await readdir(current, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const path = join(current, entry.name);
    if (entry.isDirectory() && !entry.name.startsWith(".")) await removeStaleLinks(root, path, wanted);
    else if (entry.isSymbolicLink() && !wanted.has(relative(root, path))) await rm(path, { force: true });
  }
}
