// `--debug`: the debug kernel for the selected release is the one `kforge kernel build <major.minor>
// --debug` registered in kforge's cache as `<major.minor.patch>-kforge-debug`, the same kernel
// version as the selected release (Debian's 6.1.0-57 is version 6.1.192: the version is read from
// the build tree's Makefile, not the release name).
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { fetchedKernelDir, kforgeCacheDir } from "../fs/cache-dir.js";
import { compareReleases } from "../kernel/build-tree.js";
import { builtRelease, parseBuiltRelease } from "../kernel/built-release.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { readKernelVersion } from "../kernel/kernel-version.js";

// A plain debug kernel, not a project's variant of one.
const isDebugRelease = (release: string) => {
  const built = parseBuiltRelease(release);
  return built !== undefined && built.debug && built.variant === undefined;
};

export interface DebugKernel {
  release: string;
  kdir: string;
  notice: string;
}

const isDirectory = (path: string) => stat(path).then((info) => info.isDirectory(), () => false);

async function listDebugReleases(env?: NodeJS.ProcessEnv): Promise<string[]> {
  const entries = await readdir(join(kforgeCacheDir(env), "kernels")).catch(() => []);
  return entries.filter(isDebugRelease).sort();
}

// The one place `--debug` turns a selected release into a debug one (building it when missing is
// left to `kforge kernel build`, named in the error).
export async function resolveDebugRelease(selected: { release: string; kdir: string }, env?: NodeJS.ProcessEnv): Promise<DebugKernel> {
  if (isDebugRelease(selected.release)) return { ...selected, notice: `--debug: ${selected.release} is a debug kernel already` };
  const version = (await readKernelVersion(selected.kdir)) ?? /^\d+\.\d+\.\d+/.exec(selected.release)?.[0];
  if (!version) throw new EnvironmentError(`--debug: cannot tell the kernel version of ${selected.release} from ${selected.kdir}/Makefile`, "choose a release with --kernel, or pass --kdir <a kforge-built debug tree>");
  const exact = builtRelease(version, true);
  const release = (await isDirectory(debugTree(exact, env))) ? exact : await newestOfSeries(version, env);
  if (!release) {
    const built = await listDebugReleases(env);
    throw new EnvironmentError(
      `--debug: no debug kernel ${exact} for ${selected.release} (version ${version}) in kforge's cache; built: ${built.length ? built.join(", ") : "none"}`,
      `build it once (KASAN, KFENCE, UBSAN, lockdep, kmemleak; minutes): kforge kernel build ${seriesOf(version)} --debug`,
    );
  }
  // Debian's source package can be a point release ahead of its headers: a debug kernel of the same
  // series builds and runs the module as well.
  const substitute = release === exact ? "" : ` (none of version ${version} is built; ${release} is the same series)`;
  return { release, kdir: debugTree(release, env), notice: `--debug: building for and booting ${release}, the debug kernel for ${selected.release}${substitute}` };
}

const debugTree = (release: string, env?: NodeJS.ProcessEnv) => join(fetchedKernelDir(release, env), "build");
const seriesOf = (version: string) => version.split(".").slice(0, 2).join(".");

async function newestOfSeries(version: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const sameSeries = [];
  for (const release of await listDebugReleases(env)) {
    if (seriesOf(parseBuiltRelease(release)!.version) === seriesOf(version) && (await isDirectory(debugTree(release, env)))) sameSeries.push(release);
  }
  return sameSeries.sort(compareReleases).at(-1);
}

// kmemleak runs only where the kernel was built with it; a stock kernel is never scanned.
export async function hasKmemleak(kdir: string): Promise<boolean> {
  return (await readKernelConfig(kdir))?.get("CONFIG_DEBUG_KMEMLEAK") === "y";
}
