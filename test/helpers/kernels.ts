// The kernels the tests build against: whatever build trees this machine has installed
// (scripts/setup.sh installs Debian's linux-headers-amd64 for 6.1 and linux-headers-6.12-amd64).
// Releases are never written into a test: Debian moves its point releases every few weeks.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { kforgeCacheDir } from "../../src/fs/cache-dir.js";
import { compareReleases, findBuildTrees, type BuildTree } from "../../src/kernel/build-tree.js";

export type TestKernel = BuildTree;

// Newest first, as kforge itself orders them.
const installed: TestKernel[] = await findBuildTrees();

export const installedKernels = (): TestKernel[] => installed;

// The newest installed release of a major.minor series.
function newestOf(series: string): TestKernel {
  const match = installed.filter((kernel) => kernel.release.startsWith(`${series}.`)).sort((left, right) => compareReleases(right.release, left.release))[0];
  if (!match) throw new Error(`no kernel build tree for ${series}.* under /lib/modules: run scripts/setup.sh first`);
  return match;
}

export const kernel61 = (): TestKernel => newestOf("6.1");
export const kernel612 = (): TestKernel => newestOf("6.12");

// A release as a regular-expression fragment, for expectations that match text around it.
export const releasePattern = (release: string): string => release.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// The debug kernel scripts/setup.sh builds into the shared cache (kforge kernel build --debug),
// found by its release suffix: tests never write its version.
export interface DebugKernel {
  release: string;
  // <cache>/kernels/<release>: boot/, lib/modules/ and build/ (the kernel build tree).
  dir: string;
  kdir: string;
}

export function debugKernel(): DebugKernel {
  const root = join(kforgeCacheDir(), "kernels");
  const releases = existsSync(root) ? readdirSync(root).filter((name) => name.endsWith("-kforge-debug") && existsSync(join(root, name, "build", ".config"))) : [];
  const newest = releases.sort(compareReleases).at(-1);
  if (!newest) throw new Error(`no debug kernel (*-kforge-debug with a build/ tree) in ${root}: run scripts/setup.sh, which builds it`);
  return { release: newest, dir: join(root, newest), kdir: join(root, newest, "build") };
}
