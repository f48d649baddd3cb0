// `--debug`: the debug kernel for the selected release is the one `kforge kernel build <major.minor>
// --debug` registered in kforge's cache as `<major.minor.patch>-kforge-debug`, the same kernel
// version as the selected release (Debian's 6.1.0-57 is version 6.1.192: the version is read from
// the build tree's Makefile, not the release name). When none is registered, the caller's builder
// makes one first. A project that needs more than the plain kernel has gets its variant of it.
import { readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { fetchedKernelDir, kforgeCacheDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";
import { isRegistered, releaseLayout } from "../guest-kernel/build-state.js";
import { compareReleases, type BuildTree } from "../kernel/build-tree.js";
import { builtRelease, parseBuiltRelease } from "../kernel/built-release.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { readKernelVersion } from "../kernel/kernel-version.js";
import type { ProjectRef } from "../guest-kernel/project-options.js";
import type { Project } from "../project/project.js";
import { projectVariant, type ProjectVariant } from "./debug-variant.js";

// A plain debug kernel, not a project's variant of one.
const isDebugRelease = (release: string) => {
  const built = parseBuiltRelease(release);
  return built?.debug && built.variant === undefined;
};

export interface DebugKernel {
  release: string;
  kdir: string;
  notice: string;
}

// Builds a debug kernel into the cache and returns its release: the plain one of a series ("6.12"),
// or a project's variant from the plain one's source. The command supplies the progress.
export type DebugKernelBuilder = (request: { series: string; source?: string; project?: ProjectRef }, reason: string) => Promise<string>;

export interface DebugKernelRequest {
  env?: NodeJS.ProcessEnv;
  // Without one, a missing debug kernel is an error naming the command that builds it.
  build?: DebugKernelBuilder;
  // The project whose in-tree needs and kforge.json may call for a variant (debug-variant.ts).
  project?: Project;
  signal?: AbortSignal;
}

async function listDebugReleases(env?: NodeJS.ProcessEnv): Promise<string[]> {
  const entries = await readdir(join(kforgeCacheDir(env), "kernels")).catch(() => []);
  return entries.filter(isDebugRelease).sort();
}

// The one place `--debug` turns a selected release into a debug one: a registered debug kernel of
// the same version, else the newest of its series, else (with a builder) one built now; then the
// project's variant of it when the project needs one.
export async function resolveDebugRelease(selected: BuildTree, request: DebugKernelRequest = {}): Promise<DebugKernel> {
  if (parseBuiltRelease(selected.release)?.debug) return { ...selected, notice: `--debug: ${selected.release} is a debug kernel already` };
  const plain = await resolvePlainRelease(selected, request);
  const plainTree = debugTree(plain.release, request.env);
  const variant = request.project
    ? await projectVariant({
        project: request.project,
        stock: selected,
        debugKdir: plainTree,
        debugRelease: plain.release,
        env: request.env,
        signal: request.signal,
      })
    : undefined;
  if (!variant || !request.project) return { release: plain.release, kdir: plainTree, notice: plain.notice };
  const needs = describeNeeds(variant, request.project.dir);
  let release = variant.release;
  let built = false;
  if (!(await isComplete(release, request.env))) {
    if (!request.build) {
      throw new EnvironmentError(
        `--debug: ${selected.release}'s debug kernel lacks ${needs}, and its variant ${release} is not built`,
        `build it once (minutes): kforge kernel ` +
          `build ${seriesOf(parseBuiltRelease(plain.release)!.version)} --debug --for ${request.project.dir}`,
      );
    }
    const source = await readlink(join(plainTree, "source"));
    release = await request.build(
      {
        series: seriesOf(parseBuiltRelease(plain.release)!.version),
        source,
        project: { dir: request.project.dir, config: request.project.config },
      },
      `${plain.release} lacks ${needs}`,
    );
    built = true;
  }
  return {
    release,
    kdir: debugTree(release, request.env),
    notice: `${plain.notice}; with ${needs}: ${release}${built ? ", built just now" : ""}`,
  };
}

function describeNeeds(variant: ProjectVariant, project: string): string {
  const parts = [
    variant.inTreeModules.length ? `the in-tree modules ${project} needs (${variant.inTreeModules.join(", ")})` : "",
    ...variant.builtInOptions.map(({ option, symbols }) => `CONFIG_${option} for ${symbols.join(", ")}`),
  ].filter(Boolean);
  return parts.length ? parts.join(", ") : `kforge.json debugKernel.config of ${project}`;
}

async function resolvePlainRelease(selected: BuildTree, request: DebugKernelRequest): Promise<{ release: string; notice: string }> {
  const version = (await readKernelVersion(selected.kdir)) ?? /^\d+\.\d+\.\d+/.exec(selected.release)?.[0];
  if (!version)
    throw new EnvironmentError(
      `--debug: cannot tell the kernel version of ${selected.release} from ${selected.kdir}/Makefile`,
      "choose a release with --kernel, or pass --kdir <a kforge-built debug tree>",
    );
  const exact = builtRelease(version, true);
  let release = await findRegistered(exact, version, request.env);
  const built = !release && request.build !== undefined;
  if (built)
    release = await request.build!(
      { series: seriesOf(version) },
      `no debug kernel for ${selected.release} (version ${version}) is built yet`,
    );
  if (!release) {
    const registered = await listDebugReleases(request.env);
    throw new EnvironmentError(
      `--debug: no debug kernel ${exact} for ${selected.release} (version ${version}) ` +
        `in kforge's cache; built: ${registered.length ? registered.join(", ") : "none"}`,
      `build it once (KASAN, KFENCE, UBSAN, lockdep, kmemleak; minutes): kforge kernel build ${seriesOf(version)} --debug`,
    );
  }
  // Debian's source package can be a point release ahead of its headers: a debug kernel of the same
  // series builds and runs the module as well.
  const substitute = release === exact ? "" : ` (none of version ${version} is built; ${release} is the same series)`;
  return {
    release,
    notice:
      `--debug: building for and booting ${release}, the debug kernel ` +
      `for ${selected.release}${substitute}${built ? "; it was built just now" : ""}`,
  };
}

async function findRegistered(exact: string, version: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await isComplete(exact, env)) ? exact : newestOfSeries(version, env);
}

// A release whose build was interrupted is not one to boot: the next build resumes it.
const isComplete = async (release: string, env?: NodeJS.ProcessEnv) =>
  (await isAccessible(debugTree(release, env))) && isRegistered(releaseLayout(fetchedKernelDir(release, env), release));

const debugTree = (release: string, env?: NodeJS.ProcessEnv) => join(fetchedKernelDir(release, env), "build");
const seriesOf = (version: string) => version.split(".").slice(0, 2).join(".");

async function newestOfSeries(version: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const sameSeries = [];
  for (const release of await listDebugReleases(env)) {
    if (seriesOf(parseBuiltRelease(release)!.version) === seriesOf(version) && (await isComplete(release, env))) sameSeries.push(release);
  }
  return sameSeries.sort(compareReleases).at(-1);
}

// kmemleak runs only where the kernel was built with it; a stock kernel is never scanned.
export async function hasKmemleak(kdir: string): Promise<boolean> {
  return (await readKernelConfig(kdir))?.get("CONFIG_DEBUG_KMEMLEAK") === "y";
}

// The kernel a guest command boots: the project's one kernel, or with --debug its debug kernel (or
// the project's variant of it).
export async function selectGuestKernel(
  project: Project,
  request: { debug?: boolean; build?: DebugKernelBuilder; signal?: AbortSignal },
): Promise<BuildTree & { notice?: string }> {
  const selected = await project.kernel();
  if (!request.debug) return selected;
  const debug = await resolveDebugRelease(selected, { env: project.env, build: request.build, project, signal: request.signal });
  return { ...debug, notice: [selected.notice, debug.notice].filter(Boolean).join("; ") };
}
