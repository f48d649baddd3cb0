// `--debug`: the debug kernel for the selected release is the one `kforge kernel build <major.minor>
// --debug` registered in kforge's cache as `<major.minor.patch>-kforge-debug`, the same kernel
// version as the selected release (Debian's 6.1.0-57 is version 6.1.192: the version is read from
// the build tree's Makefile, not the release name).
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { fetchedKernelDir, kforgeCacheDir } from "../fs/cache-dir.js";
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
  const release = builtRelease(version, true);
  const kdir = join(fetchedKernelDir(release, env), "build");
  if (!(await isDirectory(kdir))) {
    const built = await listDebugReleases(env);
    throw new EnvironmentError(
      `--debug: no debug kernel ${release} for ${selected.release} (version ${version}) in kforge's cache; built: ${built.length ? built.join(", ") : "none"}`,
      `build it once (KASAN, KFENCE, UBSAN, lockdep, kmemleak; minutes): kforge kernel build ${version.split(".").slice(0, 2).join(".")} --debug`,
    );
  }
  return { release, kdir, notice: `--debug: building for and booting ${release}, the debug kernel for ${selected.release}` };
}

// kmemleak runs only where the kernel was built with it; a stock kernel is never scanned.
export async function hasKmemleak(kdir: string): Promise<boolean> {
  return (await readKernelConfig(kdir))?.get("CONFIG_DEBUG_KMEMLEAK") === "y";
}
