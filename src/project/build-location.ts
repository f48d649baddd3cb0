// Where a project's build for one kernel lives, the one answer every command reads and writes. The
// module dir itself (where plain `make` builds) holds the build of one kernel: the one whose modules
// are there. Every other kernel builds in its own tree, .kforge/build/<release>/ (kbuild.mirror),
// so alternating kernels never rebuild in place over each other, and a kernel built once by a matrix
// build is found there by vm, install, sign, deps and compile-commands alike.
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { isAccessible } from "../fs/files.js";
import { mirrorBuildDir, mirrorDir, refreshMirror } from "../kbuild/mirror.js";
import { findModulesOrderDirs, readModulesOrder } from "../kbuild/modules-order.js";
import { readVermagic } from "../module/modinfo.js";

// Where a kernel's tree holds the build: the tree, or the module dir's place in it when the tree
// mirrors an ancestor the Kbuild reaches (include $(src)/../Kbuild.common).
export const kernelTree = mirrorBuildDir;

// A build leaves a modules.order in the dir, or in the subfolders a project's own build command ran
// kbuild in (kforge.json build.command: `make -C src`).
const holdsBuild = async (dir: string) => (await findModulesOrderDirs(dir)).length > 0;

// The release the dir's own build is for, from the vermagic of the first module it lists; undefined
// when the dir holds no build (no modules.order), null when it holds one that cannot be read.
export async function inPlaceRelease(dir: string): Promise<string | undefined | null> {
  const found = await findModulesOrderDirs(dir);
  if (found.length === 0) return undefined;
  const modules = (await Promise.all(found.map(async (folder) => (await readModulesOrder(folder)) ?? []))).flat();
  const first = modules[0];
  if (first === undefined) return null;
  const vermagic = await readVermagic(first).catch(() => undefined);
  return vermagic?.split(" ")[0] ?? null;
}

// Where the kernel's build is, or undefined when there is none yet.
export async function findBuild(dir: string, release: string): Promise<string | undefined> {
  if ((await inPlaceRelease(dir)) === release) return dir;
  const tree = await kernelTree(dir, release);
  return (await holdsBuild(tree)) ? tree : undefined;
}

// Where a command reads the kernel's build: its location, else the module dir (whose own messages
// then say what is missing or built for another kernel).
export async function builtDir(dir: string, release: string): Promise<string> {
  return (await findBuild(dir, release)) ?? dir;
}

// Where to build for the kernel: where its build already is, else the module dir when the kernel is
// the only one this run builds and the dir holds no other kernel's build (none, or one too damaged to
// tell, which make then rebuilds), else the kernel's tree (refreshed).
export async function chooseBuildDir(dir: string, release: string, options: { alone: boolean }): Promise<string> {
  const inPlace = await inPlaceRelease(dir);
  if (inPlace === release) return dir;
  if (await holdsBuild(await kernelTree(dir, release))) return refreshMirror(dir, release);
  return options.alone && typeof inPlace !== "string" ? dir : refreshMirror(dir, release);
}

// A module file named by its in-place path (dir/sub/name.ko, which may not exist) stands for the
// kernel's build of it: the same file in the kernel's tree of the nearest enclosing module dir that
// has one, when the build for the kernel is there.
export async function locateArtifact(path: string, release: string): Promise<string> {
  for (let dir = join(path, ".."); ; dir = join(dir, "..")) {
    if (await isAccessible(mirrorDir(dir, release))) {
      const candidate = join(await kernelTree(dir, release), relative(dir, path));
      const location = await findBuild(dir, release);
      return location !== dir && location !== undefined && (await isAccessible(candidate)) ? candidate : path;
    }
    if (join(dir, "..") === dir) return path;
  }
}

// A build of the project for any kernel, for what does not depend on the kernel (the module list
// dkms.conf must name): the preferred kernel's, else the module dir's own, else a kernel tree's.
// release names the kernel when the build is in its tree.
export async function findAnyBuild(dir: string, preferred: string | undefined): Promise<{ dir: string; release?: string } | undefined> {
  const found = preferred === undefined ? undefined : await findBuild(dir, preferred);
  if (found) return found === dir ? { dir } : { dir: found, release: preferred };
  if ((await inPlaceRelease(dir)) !== undefined) return { dir };
  const trees = await readdir(join(dir, ".kforge", "build")).catch(() => [] as string[]);
  for (const release of trees.sort()) {
    const tree = await kernelTree(dir, release);
    if (await holdsBuild(tree)) return { dir: tree, release };
  }
  return undefined;
}
