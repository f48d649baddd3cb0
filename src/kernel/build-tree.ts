// Finds kernel build trees (/lib/modules/<release>/build or a given kdir) and reads their release.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { kforgeCacheDir } from "../fs/cache-dir.js";
import { isAccessible as exists } from "../fs/files.js";

export const DEFAULT_MODULES_ROOT = "/lib/modules";

export interface BuildTree {
  release: string;
  // The build dir as given (e.g. /lib/modules/<release>/build), not resolved, so messages match what users type.
  kdir: string;
}

// Pure: the release from include/generated/utsrelease.h (`#define UTS_RELEASE "6.1.0-56-amd64"`).
export function parseUtsRelease(text: string): string | undefined {
  return /#define\s+UTS_RELEASE\s+"([^"]+)"/.exec(text)?.[1];
}

// Why a directory is not a usable build tree, or undefined when it is one.
export async function buildTreeProblem(kdir: string): Promise<string | undefined> {
  if (!(await exists(kdir))) return `${kdir} does not exist`;
  if (!(await exists(join(kdir, "Makefile")))) return `${kdir} has no Makefile`;
  const prepared =
    (await exists(join(kdir, "include/generated/utsrelease.h"))) || (await exists(join(kdir, "include/config/kernel.release")));
  if (!prepared) return `${kdir} is not a prepared kernel build tree (no include/generated/utsrelease.h)`;
  return undefined;
}

// The release a build tree was configured for. utsrelease.h first: Debian's include/config/kernel.release
// holds the upstream version (6.1.192), not the package release (6.1.0-56-amd64).
export async function readBuildTreeRelease(kdir: string): Promise<string | undefined> {
  try {
    const release = parseUtsRelease(await readFile(join(kdir, "include/generated/utsrelease.h"), "utf8"));
    if (release) return release;
  } catch {
    // fall through to kernel.release
  }
  try {
    return (await readFile(join(kdir, "include/config/kernel.release"), "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

// Every /lib/modules/<release>/build that is a usable build tree, newest release first.
export async function findBuildTrees(modulesRoot = DEFAULT_MODULES_ROOT): Promise<BuildTree[]> {
  let releases: string[];
  try {
    releases = await readdir(modulesRoot);
  } catch {
    return [];
  }
  const trees: BuildTree[] = [];
  for (const release of releases) {
    const kdir = join(modulesRoot, release, "build");
    if ((await buildTreeProblem(kdir)) === undefined) trees.push({ release, kdir });
  }
  return trees.sort((left, right) => compareReleases(right.release, left.release));
}

// Build trees in kforge's cache (<cache>/kernels/<release>/build): the kernels `kforge kernel build`
// made and those of another architecture `kforge kernel fetch` made buildable (a fetched kernel of this
// machine's architecture has no build dir: its headers are installed), newest release first.
export async function findCachedBuildTrees(env?: NodeJS.ProcessEnv): Promise<BuildTree[]> {
  const root = join(kforgeCacheDir(env), "kernels");
  const releases = await readdir(root).catch(() => [] as string[]);
  const trees: BuildTree[] = [];
  for (const release of releases) {
    const kdir = join(root, release, "build");
    if ((await buildTreeProblem(kdir)) === undefined) trees.push({ release, kdir });
  }
  return trees.sort((left, right) => compareReleases(right.release, left.release));
}

// Pure: orders releases by their numeric parts (6.12.117 > 6.1.0-56), then as text, by code point:
// localeCompare would load ICU's collation data, 15-40 ms on each kforge start that lists trees.
export function compareReleases(left: string, right: string): number {
  const numbers = (release: string) => (release.match(/\d+/g) ?? []).map(Number);
  const [a, b] = [numbers(left), numbers(right)];
  for (let index = 0; index < Math.max(a.length, b.length); index += 1) {
    const difference = (a[index] ?? -1) - (b[index] ?? -1);
    if (difference !== 0) return difference;
  }
  return left < right ? -1 : left > right ? 1 : 0;
}
