// `kforge check`'s engine: decides which checkers can run, builds in the check tree (at W=1 when
// chosen), learns the files the project builds, then runs sparse, checkpatch.pl per file and each
// semantic patch side by side, a few processes at a time, each with a time limit. Prints nothing.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { InterruptedError, KforgeError, UsageError } from "../errors.js";
import type { KernelTarget } from "../kbuild/build-modules.js";
import { acquireMakeLock } from "../kbuild/make-lock.js";
import { refreshMirrorAt } from "../kbuild/mirror.js";
import { resolveAvailability, type Availability } from "./availability.js";
import type { CheckerName } from "./checkers.js";
import { checkpatchTasks } from "./checkpatch.js";
import { coccinelleTasks, planCoccinelle, type CoccinellePlan } from "./coccinelle.js";
import { runBuildPass, runSparsePass, type BuildPass, type KbuildCheckOptions } from "./kbuild-checks.js";
import { runPool } from "./pool.js";
import { readDeclaredFiles, readProjectFiles, type SourceFiles } from "./project-files.js";
import type { RunLimits, TaskOutcome } from "./run-tool.js";
import type { CheckSettings } from "./settings.js";
import { summarizeCheck, type CheckResult, type Outcomes } from "./summary.js";

export interface CheckOptions {
  dir: string;
  kernel: KernelTarget;
  settings: CheckSettings;
  make: Pick<KbuildCheckOptions, "llvm" | "arch" | "crossCompile" | "variables">;
  // Checker processes at once, and make's -j.
  jobs: number;
  cwd: string;
  env: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

const checkTree = (dir: string, release: string) => join(dir, ".kforge", "check", release);

export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const started = performance.now();
  const { settings, kernel } = options;
  const availability = await resolveAvailability({
    ...options,
    release: kernel.release,
    kdir: kernel.kdir,
    source: settings.source,
    checkers: settings.checkers,
    explicit: settings.explicit,
    variables: options.make.variables,
  });
  const coccinelle =
    availability.scripts && availability.runnable.includes("coccinelle")
      ? await planCoccinelle(availability.scripts, availability.spatch, settings.semanticPatches, kernel.kdir)
      : undefined;
  // Two checks of one dir would share a check tree: one at a time per dir. The lock sits beside the
  // trees (.kforge/check/.kforge/locks/), since each tree is remade.
  const lock = await acquireMakeLock(join(options.dir, ".kforge", "check"), { signal: options.signal });
  if (!lock) throw new InterruptedError();
  try {
    const outcomes = await checkLocked(options, availability, coccinelle);
    if (options.signal?.aborted) throw new InterruptedError();
    return summarizeCheck(options, availability, outcomes, Math.round(performance.now() - started));
  } finally {
    await lock.release();
  }
}

async function checkLocked(options: CheckOptions, availability: Availability, coccinelle: CoccinellePlan | undefined): Promise<Outcomes> {
  // A fresh tree every time: kbuild prints a warning only when it compiles, so every object must compile.
  await rm(checkTree(options.dir, options.kernel.release), { recursive: true, force: true });
  const tree = await refreshMirrorAt(options.dir, checkTree(options.dir, options.kernel.release));
  const runs = (name: CheckerName) => availability.runnable.includes(name);
  // Stops the checkers already started when the build step throws (a missing compiler) or kforge is interrupted.
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const limits: RunLimits = { timeoutMs: options.settings.timeoutMs, signal: stop.signal };
  const checkpatch = availability.checkpatch && runs("checkpatch") ? availability.checkpatch : undefined;
  // checkpatch.pl and coccinelle need no build: they start on the files the Kbuild names while kbuild compiles.
  const fileTasks = (files: SourceFiles) => [
    ...(coccinelle ? coccinelleTasks(coccinelle, files, options.dir, limits, options.env) : []),
    ...(checkpatch ? checkpatchTasks(checkpatch, options.dir, [...files.sources, ...files.headers], limits) : []),
  ];
  const declared = await readDeclaredFiles(options.dir);
  const early = runPool(fileTasks(declared), options.jobs, stop.signal);
  try {
    return await afterBuild(options, { runs, limits, fileTasks, declared, early, tree, coccinelle, checkpatch });
  } catch (error) {
    stop.abort();
    await early.catch(() => undefined);
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

interface Started {
  runs: (name: CheckerName) => boolean;
  limits: RunLimits;
  fileTasks: (files: SourceFiles) => (() => Promise<TaskOutcome>)[];
  declared: SourceFiles;
  early: Promise<(TaskOutcome | undefined)[]>;
  tree: string;
  coccinelle: CoccinellePlan | undefined;
  checkpatch: unknown;
}

// The build, then sparse and the checkers for what the build found beyond the Kbuild's own list.
async function afterBuild(options: CheckOptions, started: Started): Promise<Outcomes> {
  const { runs, limits, fileTasks, declared, early, tree, coccinelle, checkpatch } = started;
  const kbuild: KbuildCheckOptions = {
    ...options.make,
    tree,
    kernel: options.kernel,
    jobs: options.jobs,
    w1: runs("w1"),
    env: options.env,
  };
  options.onProgress?.(`building${runs("w1") ? " at W=1" : ""}${describe(checkpatch, coccinelle, declared, options.jobs)}`);
  const build = await runBuildPass(kbuild, limits);
  if (build.failure && !runs("w1"))
    throw new KforgeError(`the build kforge check needs to learn the project's files ${build.failure.reason}`, {
      hint: `raise --timeout (now ${options.settings.timeoutMs / 1000} s); ${build.failure.output.join(" ")}`,
    });
  const files = await readProjectFiles(tree);
  if (files.sources.length === 0) nothingBuilt(options, build, runs("w1"));
  // What the build found that the Kbuild did not say (objects from make variables, headers on -I paths).
  const missed = {
    sources: files.sources.filter((file) => !declared.sources.includes(file)),
    headers: files.headers.filter((file) => !declared.headers.includes(file)),
  };
  const sparse = runs("sparse") ? [() => runSparsePass(kbuild, files.compiledObjects, limits)] : [];
  if (sparse.length > 0) options.onProgress?.(`sparse on ${plural(files.compiledObjects.length, "object")}`);
  const late = await runPool([...sparse, ...fileTasks(missed)], options.jobs, limits.signal);
  const done = [...(await early), ...late].filter((outcome): outcome is TaskOutcome => outcome !== undefined);
  const buildOutcome: TaskOutcome = { checker: "w1", findings: runs("w1") ? build.findings : [], failure: build.failure };
  const skipped = (coccinelle?.skipped ?? []).map((reason): TaskOutcome => ({ checker: "coccinelle", findings: [], skipped: reason }));
  return { tasks: [buildOutcome, ...onlyBuilt(done, files), ...skipped], files, patchCount: coccinelle?.run.length ?? 0, log: build.log };
}

const plural = (count: number, what: string) => `${count} ${what}${count === 1 ? "" : what.endsWith("h") ? "es" : "s"}`;

function describe(checkpatch: unknown, coccinelle: CoccinellePlan | undefined, declared: SourceFiles, jobs: number): string {
  const files = plural(declared.sources.length + declared.headers.length, "file");
  const parts = [checkpatch ? `checkpatch.pl on ${files}` : "", coccinelle ? plural(coccinelle.run.length, "semantic patch") : ""];
  const meanwhile = parts.filter(Boolean).join(" and ");
  return meanwhile ? `; meanwhile ${meanwhile}, ${jobs} at a time` : "";
}

// A file the Kbuild seemed to name but kbuild did not build (obj-m inside a false ifeq) is not the project's.
function onlyBuilt(outcomes: TaskOutcome[], files: SourceFiles): TaskOutcome[] {
  const built = new Set([...files.sources, ...files.headers]);
  return outcomes.map((outcome) =>
    outcome.checker === "checkpatch" || outcome.checker === "coccinelle"
      ? { ...outcome, findings: outcome.findings.filter((finding) => finding.file === null || built.has(finding.file)) }
      : outcome,
  );
}

// No source to check: the build failed before kbuild listed any (a broken Kbuild), which W=1 reports
// as its findings and is an error otherwise, or the dir declares no module.
function nothingBuilt(options: CheckOptions, build: BuildPass, w1: boolean): void {
  const error = build.findings.find((finding) => finding.severity === "error");
  if (error && w1) return;
  if (error)
    throw new KforgeError(`the build kforge check needs failed: ${error.message}`, {
      hint: `kforge build ${options.dir} shows the whole error; log: ${build.log}`,
    });
  throw new UsageError(
    `kbuild built nothing in ${options.dir}: its Kbuild or Makefile names no obj-m module with a .c or .S source`,
    "add a line like `obj-m += hello.o` (kforge build shows what kbuild makes of the dir)",
  );
}
