// The kernels the tests build against: whatever build trees this machine has installed
// (scripts/setup.sh installs Debian's linux-headers-amd64 for 6.1 and linux-headers-6.12-amd64).
// Releases are never written into a test: Debian moves its point releases every few weeks.
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
