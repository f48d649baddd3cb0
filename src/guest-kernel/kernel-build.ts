// `kforge kernel build`: source, config, make bzImage and modules with progress and a log, then
// registration in kforge's cache. A rerun with the same source and options runs no make at all; an
// interrupted build resumes from the objects it already has (make is incremental in the O= dir).
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EnvironmentError, InterruptedError, KforgeError } from "../errors.js";
import { fetchedKernelDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";
import { openBuildLog } from "../kbuild/build-log.js";
import { acquireMakeLock } from "../kbuild/make-lock.js";
import { findBuildTrees, findCachedBuildTrees } from "../kernel/build-tree.js";
import { run } from "../process/exec.js";
import { builtRelease } from "../kernel/built-release.js";
import {
  builtFromSource,
  countBuiltObjects,
  markComplete,
  markIncomplete,
  releaseLayout,
  staleReason,
  type ReleaseLayout,
} from "./build-state.js";
import { configureKernel } from "./configure.js";
import { createGuestConfig, variantKey } from "./guest-config.js";
import { checkMake, runKernelMake, type KernelMakeOptions } from "./kernel-make.js";
import { obtainSource, seriesOf, type KernelSource } from "./kernel-source.js";
import { projectKernelOptions } from "./project-options.js";
import type { KforgeConfig } from "../config/kforge-json.js";

// A project a debug kernel variant is built for: its dir and its kforge.json.
export interface ProjectRef {
  dir: string;
  config: KforgeConfig;
}
import { compiledObject, type KernelBuildCounts } from "./progress.js";
import { registerKernel } from "./register.js";

export interface KernelBuildOptions {
  // "6.12": Debian's linux-source-6.12. Or a source dir or tarball.
  series?: string;
  source?: string;
  debug: boolean;
  // A project dir whose in-tree dependencies and kforge.json debugKernel.config the kernel adds,
  // as a release of its own.
  project?: ProjectRef;
  jobs?: number;
  force?: boolean;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onEvent?: (event: KernelBuildEvent) => void;
}

export type KernelBuildEvent =
  | { kind: "phase"; message: string }
  | { kind: "progress"; counts: KernelBuildCounts; object: string }
  | { kind: "output"; line: string };

export interface BuiltKernel extends ReleaseLayout {
  source: KernelSource;
  upToDate: boolean;
  // Why it was (re)built; undefined when up to date.
  reason?: string;
  log?: string;
  durationMs: number;
}

export async function buildKernel(options: KernelBuildOptions): Promise<BuiltKernel> {
  const started = Date.now();
  const phase = (message: string) => options.onEvent?.({ kind: "phase", message });
  const source = await obtainSource({
    series: options.series,
    source: options.source,
    env: options.env,
    signal: options.signal,
    onProgress: phase,
  });
  const extra = options.project ? (await optionsForProject(options.project, source, options.env)).extra : [];
  const fragment = createGuestConfig({ debug: options.debug, extra });
  const release = builtRelease(source.version, options.debug, variantKey(extra));
  const layout = releaseLayout(fetchedKernelDir(release, options.env), release);
  const current = async () => (options.force ? "--force" : staleReason(layout, fragment, source.dir));
  const upToDate = (): BuiltKernel => ({ ...layout, source, upToDate: true, durationMs: Date.now() - started });
  // Checked before locking too, so an up-to-date tree is only read, never written.
  if (!(await current())) return upToDate();
  await mkdir(layout.dir, { recursive: true });
  const lock = await acquireMakeLock(layout.dir, {
    signal: options.signal,
    onWait: (holder) => phase(`waiting: kforge process ${holder} is building ${release}`),
  });
  if (!lock) throw new InterruptedError();
  try {
    const reason = await current();
    if (!reason) return upToDate();
    const log = await rebuild(layout, source, fragment, reason, options);
    return { ...layout, source, upToDate: false, reason, log, durationMs: Date.now() - started };
  } finally {
    await lock.release();
  }
}

async function rebuild(
  layout: ReleaseLayout,
  source: KernelSource,
  fragment: string,
  reason: string,
  options: KernelBuildOptions,
): Promise<string> {
  const phase = (message: string) => options.onEvent?.({ kind: "phase", message });
  const previousSource = await builtFromSource(layout);
  if (previousSource !== undefined && previousSource !== source.dir) {
    // Objects of another source tree would be mixed into this one: start the build dir afresh.
    phase(`${layout.kdir} was built from ${previousSource}; starting it afresh for ${source.dir}`);
    await rm(layout.kdir, { recursive: true, force: true });
  }
  if (!(await isAccessible(layout.kdir))) await seedFromBase(layout, source, options);
  await mkdir(layout.kdir, { recursive: true });
  await markIncomplete(layout);
  const log = openBuildLog(layout.dir, layout.release, { command: `kforge kernel build (${reason})`, kdir: layout.kdir });
  const started = Date.now();
  const make: KernelMakeOptions = {
    sourceDir: source.dir,
    kdir: layout.kdir,
    log,
    signal: options.signal,
    jobs: options.jobs,
    onLine: (line) => options.onEvent?.({ kind: "output", line }),
  };
  let result: { exitCode: number | undefined; signal: string | undefined } = { exitCode: undefined, signal: undefined };
  try {
    phase(`configuring ${layout.release} (${reason})`);
    if (!(await configureKernel(fragment, make))) phase("configuration unchanged");
    await compile(layout, make, options);
    await checkRelease(layout);
    phase("installing modules and registering the image");
    await registerKernel(layout, make);
    await markComplete(layout);
    result = { exitCode: 0, signal: undefined };
  } finally {
    await log.close({ ...result, durationMs: Date.now() - started, interrupted: options.signal?.aborted ?? false });
  }
  return log.path;
}

// bzImage and the modules (whose Module.symvers an external module needs), counting objects.
async function compile(layout: ReleaseLayout, make: KernelMakeOptions, options: KernelBuildOptions): Promise<void> {
  const total = await referenceObjectCount(layout, options.env);
  const before = await countBuiltObjects(layout.kdir);
  const started = Date.now();
  let compiledNow = 0;
  options.onEvent?.({ kind: "phase", message: `building bzImage and modules in ${layout.kdir}` });
  const result = await runKernelMake(["bzImage", "modules"], {
    ...make,
    onLine: (line) => {
      make.onLine?.(line);
      const object = compiledObject(line);
      if (!object) return;
      compiledNow += 1;
      const counts = { done: before + compiledNow, compiledNow, total, elapsedMs: Date.now() - started };
      options.onEvent?.({ kind: "progress", counts, object });
    },
  });
  checkMake(result, `make bzImage modules for ${layout.release}`, make.log);
}

// The object count of a registered build, this release's own or another kforge-built one, so the
// progress row has a total; undefined on a machine that has built none yet.
async function referenceObjectCount(layout: ReleaseLayout, env: NodeJS.ProcessEnv | undefined): Promise<number | undefined> {
  const cached = await findCachedBuildTrees(env);
  const trees = [...cached.filter((tree) => tree.kdir === layout.kdir), ...cached.filter((tree) => tree.kdir !== layout.kdir)];
  for (const tree of trees) {
    if (!(await isAccessible(releaseLayout(dirname(tree.kdir), tree.release).image))) continue;
    const count = await countBuiltObjects(tree.kdir);
    if (count > 0) return count;
  }
  return undefined;
}

// The distro kernel of the source's series tells which in-tree modules the project's modules use.
async function optionsForProject(project: ProjectRef, source: KernelSource, env: NodeJS.ProcessEnv | undefined) {
  const series = seriesOf(source.version);
  const stock = (await findBuildTrees()).find((tree) => seriesOf(tree.release) === series);
  if (!stock)
    throw new EnvironmentError(
      `--for needs an installed ${series} kernel build tree to find the project's in-tree dependencies`,
      `install the ${series} headers, or list the options in kforge.json debugKernel.config`,
    );
  return projectKernelOptions({ ...project, sourceDir: source.dir, stock, env });
}

// A project variant starts from a copy of the plain kernel's objects, when that is built: only what
// the extra options touch is compiled again.
async function seedFromBase(layout: ReleaseLayout, source: KernelSource, options: KernelBuildOptions): Promise<void> {
  const base = builtRelease(source.version, options.debug);
  if (base === layout.release) return;
  const baseLayout = releaseLayout(fetchedKernelDir(base, options.env), base);
  if (await staleReason(baseLayout, createGuestConfig({ debug: options.debug }), source.dir)) return;
  options.onEvent?.({ kind: "phase", message: `starting from a copy of ${base}'s objects` });
  const copy = await run("cp", ["-a", baseLayout.kdir, layout.kdir], { signal: options.signal });
  if (copy.failed) await rm(layout.kdir, { recursive: true, force: true });
  if (copy.canceled) throw new InterruptedError();
}

// CONFIG_LOCALVERSION names the release; a source whose Makefile adds its own suffix would not match.
async function checkRelease(layout: ReleaseLayout): Promise<void> {
  const actual = (await readFile(join(layout.kdir, "include/config/kernel.release"), "utf8").catch(() => "")).trim();
  if (actual !== layout.release) {
    throw new KforgeError(`the kernel built as release "${actual}", not "${layout.release}"`, {
      hint: "the source tree's Makefile or a localversion* file adds to the release name: remove it, or use an unmodified source",
    });
  }
}
