// The kernels the tests build against: whatever build trees this machine has installed
// (scripts/setup.sh installs Debian's linux-headers-amd64 for 6.1 and linux-headers-6.12-amd64).
// Releases are never written into a test: Debian moves its point releases every few weeks.
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { dirname, join } from "node:path";
import { kforgeCacheDir } from "../../src/fs/cache-dir.js";
import { compareReleases, findBuildTrees, type BuildTree } from "../../src/kernel/build-tree.js";
import { ARCHITECTURES } from "../../src/kernel/architecture.js";
import { which } from "../../src/process/exec.js";

export type TestKernel = BuildTree;

// Newest first, as kforge itself orders them.
const installed: TestKernel[] = await findBuildTrees();

export const installedKernels = (): TestKernel[] => installed;

// The newest installed release of a major.minor series.
function newestOf(series: string): TestKernel {
  const match = installed
    .filter((kernel) => kernel.release.startsWith(`${series}.`))
    .sort((left, right) => compareReleases(right.release, left.release))[0];
  if (!match) throw new Error(`no kernel build tree for ${series}.* under /lib/modules: run scripts/setup.sh first`);
  return match;
}

export const kernel61 = (): TestKernel => newestOf("6.1");
export const kernel612 = (): TestKernel => newestOf("6.12");

// A release as a regular-expression fragment, for expectations that match text around it.
export const releasePattern = (release: string): string => release.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// The debug kernel scripts/setup.sh builds (`kforge kernel build 6.12 --debug`) in the user's cache,
// which the tests read and never write; the newest when there are several.
export function debugKernel(): TestKernel {
  const root = join(kforgeCacheDir(), "kernels");
  const releases = existsSync(root)
    ? readdirSync(root).filter((name) => name.endsWith("-kforge-debug") && existsSync(join(root, name, "build", "Module.symvers")))
    : [];
  const release = releases.sort(compareReleases).at(-1);
  if (!release)
    throw new Error(`no debug kernel (*-kforge-debug) in ${root}: run scripts/setup.sh, or node bin/kforge.js kernel build 6.12 --debug`);
  return { release, kdir: join(root, release, "build") };
}

// The Debian kernels of other architectures scripts/setup.sh fetches into the user's cache with
// `kforge kernel fetch`: the installed 6.1's release with the arm64, armmp or armmp-lpae flavour. The tests
// read them and never write them.
export type ArmFlavour = "arm64" | "armmp" | "armmp-lpae";

const foreignRelease61 = (flavour: ArmFlavour): string => kernel61().release.replace(/-amd64$/, `-${flavour}`);

export function foreignKernel61(flavour: ArmFlavour): TestKernel {
  const release = foreignRelease61(flavour);
  const kdir = join(kforgeCacheDir(), "kernels", release, "build");
  if (!existsSync(join(kdir, "Makefile")))
    throw new Error(`no fetched ${release} in ${kforgeCacheDir()}: run scripts/setup.sh, or node bin/kforge.js kernel fetch ${release}`);
  return { release, kdir };
}

// Whether a test of an arm guest runs: it needs the fetched kernel with its busybox, that architecture's QEMU
// and cross compiler. Where one is missing it is skipped, saying which and how to get it; but not in CI
// (CI set), whose scripts/setup.sh installs them all: there the missing one fails the test file.
export async function armGuestAvailable(flavour: ArmFlavour): Promise<boolean> {
  const release = foreignRelease61(flavour);
  const fetched = join(kforgeCacheDir(), "kernels", release);
  const architecture = ARCHITECTURES.find((candidate) => candidate.flavours.includes(flavour))!;
  // Debian's trees call $(CROSS_COMPILE)gcc-12 (cross-architecture.md).
  const compiler = `${architecture.gnuType}-gcc-12`;
  const missing = [
    existsSync(join(fetched, "build", "Makefile")) && existsSync(join(fetched, "bin", "busybox")) ? [] : [`the fetched ${release}`],
    (await which(architecture.qemu)) ? [] : [architecture.qemu],
    (await which(compiler)) ? [] : [compiler],
  ].flat();
  if (missing.length === 0) return true;
  const reason = `${missing.join(", ")} missing: run scripts/setup.sh (or node bin/kforge.js kernel fetch ${release})`;
  if (process.env.CI) throw new Error(`the ${flavour} guest tests cannot run: ${reason}`);
  console.warn(`skipping the ${flavour} guest tests: ${reason}`);
  return false;
}

// The debug kernel with gcov (CONFIG_GCOV_KERNEL), which --coverage boots. A debug kernel built before
// kforge's had gcov is refused here rather than used: the coverage tests link it into their own cache,
// and kforge would rebuild it in place, under the other tests that boot it.
export function gcovKernel(): TestKernel {
  const debug = debugKernel();
  const config = existsSync(join(debug.kdir, ".config")) ? readFileSync(join(debug.kdir, ".config"), "utf8") : "";
  if (!/^CONFIG_GCOV_KERNEL=y$/m.test(config))
    throw new Error(
      `${debug.release} has no gcov (CONFIG_GCOV_KERNEL): run scripts/setup.sh, which rebuilds it with gcov (tens of objects)`,
    );
  return debug;
}

// A test's own kforge cache under `root` holding a link to a shared kernel (never written): accel and
// saved-state records stay in it. Returns the dir for XDG_CACHE_HOME.
export function privateCacheWith(root: string, kernel: TestKernel): string {
  const cache = join(root, "cache");
  mkdirSync(join(cache, "kforge", "kernels"), { recursive: true });
  symlinkSync(dirname(kernel.kdir), join(cache, "kforge", "kernels", kernel.release));
  return cache;
}
