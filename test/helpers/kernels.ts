// The kernels the tests build against: whatever build trees this machine has installed
// (scripts/setup.sh installs Debian's linux-headers-amd64 for 6.1 and linux-headers-6.12-amd64).
// Releases are never written into a test: Debian moves its point releases every few weeks.
import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
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

// The debug kernel `kforge kernel build <major.minor> --debug` registered in the shared cache
// (scripts/setup.sh builds it): the newest `<cache>/kernels/<version>-kforge-debug/build`.
export function debugKernel(): TestKernel {
  const kernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
  const releases = (existsSync(kernels) ? readdirSync(kernels) : []).filter((name) => name.endsWith("-kforge-debug") && existsSync(join(kernels, name, "build")));
  const release = releases.sort(compareReleases).at(-1);
  if (!release) throw new Error(`no *-kforge-debug kernel in ${kernels}: run scripts/setup.sh (it runs kforge kernel build <major.minor> --debug)`);
  return { release, kdir: join(kernels, release, "build") };
}
