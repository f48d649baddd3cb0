// Chooses the kernel to build for: --kdir, then --kernel, then KDIR, then the running kernel if it
// has a build tree, then the newest installed build tree (with a notice naming both).
import { release as runningRelease } from "node:os";
import { EnvironmentError, UsageError } from "../errors.js";
import {
  buildTreeProblem,
  DEFAULT_MODULES_ROOT,
  findBuildTrees,
  findCachedBuildTrees,
  readBuildTreeRelease,
  type BuildTree,
} from "./build-tree.js";
import { foreignArchitectureOf } from "./architecture.js";
import { parseBuiltRelease } from "./built-release.js";
import { releaseNameProblem } from "./release-name.js";
import { anyHeadersInstallHint, distroFamily, headersInstallHint, readOsRelease } from "./os-release.js";

export interface KernelSelection extends BuildTree {
  // Said on stderr when the choice may surprise (fallback from the running kernel).
  notice?: string;
}

export interface SelectKernelOptions {
  kernel?: string;
  kdir?: string;
  env?: NodeJS.ProcessEnv;
  modulesRoot?: string;
  runningRelease?: string;
  // Where to read the distribution from for install hints (default /etc/os-release).
  osReleasePath?: string;
}

export async function selectKernel(options: SelectKernelOptions = {}): Promise<KernelSelection> {
  const kdir = options.kdir ?? options.env?.KDIR;
  if (kdir) return selectKdir(kdir, options.kernel);
  const modulesRoot = options.modulesRoot ?? DEFAULT_MODULES_ROOT;
  const trees = await findBuildTrees(modulesRoot);
  // A named release may also be one `kforge kernel build` registered; the default never is. The cache is
  // read only for a release the host lacks: a no-op build would pay for its stat calls and sort (whose
  // text comparison of same-numbered releases starts ICU's collator, ~15 ms).
  if (options.kernel) {
    const installed = trees.find((tree) => tree.release === options.kernel);
    if (installed) return installed;
    return selectRelease(options.kernel, [...trees, ...(await findCachedBuildTrees(options.env))], modulesRoot, options.osReleasePath);
  }
  const running = options.runningRelease ?? runningRelease();
  const own = trees.find((tree) => tree.release === running);
  if (own) return own;
  const newest = trees[0];
  if (!newest) throw await noBuildTreesError(running, modulesRoot, options.osReleasePath);
  return {
    ...newest,
    notice:
      `the running kernel ${running} has no build tree; building for ` +
      `the newest installed one, ${newest.release} (choose with --kernel)`,
  };
}

async function selectKdir(kdir: string, expectedRelease: string | undefined): Promise<KernelSelection> {
  const problem = await buildTreeProblem(kdir);
  if (problem) {
    throw new UsageError(
      `--kdir: ${problem}`,
      "point --kdir (or KDIR) at a kernel build tree such as /lib/modules/<release>/build, " +
        "or run `make modules_prepare` in a configured kernel source tree",
    );
  }
  const release = await readBuildTreeRelease(kdir);
  if (!release) throw new UsageError(`--kdir: cannot tell which release ${kdir} is for`, "run `make modules_prepare` in that tree");
  if (expectedRelease && expectedRelease !== release) {
    throw new UsageError(`--kdir ${kdir} is for ${release}, but --kernel asks for ${expectedRelease}`, "drop one of the two flags");
  }
  return { release, kdir };
}

async function selectRelease(release: string, trees: BuildTree[], modulesRoot: string, osReleasePath?: string): Promise<KernelSelection> {
  const tree = trees.find((candidate) => candidate.release === release);
  if (tree) return tree;
  const installed = trees.length ? trees.map((candidate) => candidate.release).join(", ") : "none";
  // Only a name that looks like a release gets a package to install; a typo would get a package that doesn't exist.
  const problem = releaseNameProblem(release);
  if (problem) {
    throw new UsageError(
      `${problem} (installed: ${installed})`,
      "releases look like 6.1.0-56-amd64; `kforge kernels` lists the installed ones",
    );
  }
  const built = parseBuiltRelease(release);
  if (built) {
    throw new EnvironmentError(
      `kernel ${release} is not built yet (build trees: ${installed})`,
      `build it: kforge kernel build ${built.version.split(".").slice(0, 2).join(".")}${built.debug ? " --debug" : ""}`,
    );
  }
  const foreign = foreignArchitectureOf(release);
  if (foreign) {
    throw new EnvironmentError(
      `no build tree for kernel ${release}, an ${foreign.debian} kernel (build trees: ${installed})`,
      `fetch Debian's into kforge's cache (nothing is installed system-wide): kforge kernel fetch ${release}`,
    );
  }
  const family = distroFamily(await readOsRelease(osReleasePath));
  throw new EnvironmentError(
    `no build tree for kernel ${release} under ${modulesRoot} (installed: ${installed})`,
    `install its headers: ${headersInstallHint(family, release)}`,
  );
}

async function noBuildTreesError(running: string, modulesRoot: string, osReleasePath?: string): Promise<EnvironmentError> {
  const install = anyHeadersInstallHint(await readOsRelease(osReleasePath), running);
  return new EnvironmentError(
    `no kernel build trees found under ${modulesRoot} (the running kernel is ${running})`,
    `install kernel headers: ${install}; or pass --kdir <build dir>`,
  );
}
