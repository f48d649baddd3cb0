// Where the last build of a module dir for one kernel left its modules: in place (plain make, a
// single-kernel kforge build) or in the kernel's matrix tree .kforge/build/<release>/, whichever
// modules.order is newer.
import { stat } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { mirrorBuildDir, refreshMirror } from "./mirror.js";
import { MODULES_ORDER } from "./modules-order.js";

const modifiedAt = (path: string) =>
  stat(path).then(
    (info) => info.mtimeMs,
    () => undefined,
  );

export const matrixTree = (dir: string, release: string) => join(dir, ".kforge", "build", release);

export async function buildOutputDir(dir: string, release: string | undefined): Promise<string> {
  if (release === undefined) return dir;
  if ((await modifiedAt(matrixTree(dir, release))) === undefined) return dir;
  const tree = await mirrorBuildDir(dir, release);
  const [inPlace, inTree] = await Promise.all([modifiedAt(join(dir, MODULES_ORDER)), modifiedAt(join(tree, MODULES_ORDER))]);
  if (inTree === undefined) return dir;
  return inPlace === undefined || inTree > inPlace ? tree : dir;
}

// Where a command that builds before it uses the modules (vm) builds for one kernel: the kernel's
// matrix tree, refreshed, when the last build for it was a matrix build; else the module dir.
export async function chooseBuildDir(dir: string, release: string): Promise<string> {
  return (await buildOutputDir(dir, release)) === dir ? dir : refreshMirror(dir, release);
}

// A module file named by its in-place path (dir/sub/name.ko, which may not exist) stands for that
// kernel's newest build of it: the same file in the kernel's matrix tree of the nearest enclosing
// module dir that has one, when that tree holds the newer build.
export async function locateArtifact(path: string, release: string): Promise<string> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if ((await modifiedAt(matrixTree(dir, release))) !== undefined) {
      const candidate = join(await mirrorBuildDir(dir, release), relative(dir, path));
      const newer = (await buildOutputDir(dir, release)) !== dir;
      return newer && (await modifiedAt(candidate)) !== undefined ? candidate : path;
    }
    if (dirname(dir) === dir) return path;
  }
}
