// `kforge check`'s engine: decides which checkers can run, builds in the check tree (at W=1 when
// chosen), learns the files the project builds, then runs sparse, checkpatch.pl per file and each
// semantic patch side by side, a few processes at a time, each with a time limit. Prints nothing.
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { InterruptedError, KforgeError } from "../errors.js";
import type { KernelTarget } from "../kbuild/build-modules.js";
import { acquireMakeLock } from "../kbuild/make-lock.js";
import { refreshMirrorAt } from "../kbuild/mirror.js";
import { resolveAvailability, type Availability } from "./availability.js";
import type { CheckerName } from "./checkers.js";
import { runCheckpatch } from "./checkpatch.js";
import { coccinelleTasks, planCoccinelle, type CoccinellePlan } from "./coccinelle.js";
import { runBuildPass, runSparsePass, type KbuildCheckOptions } from "./kbuild-checks.js";
import { runPool } from "./pool.js";
import { readProjectFiles } from "./project-files.js";
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

export const checkTree = (dir: string, release: string) => join(dir, ".kforge", "check", release);

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
  // Two checks of one dir and kernel would share the check tree; the lock sits beside it, since the tree is remade.
  const lock = await acquireMakeLock(join(options.dir, ".kforge", "check"), kernel.release, { signal: options.signal });
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
  const tree = checkTree(options.dir, options.kernel.release);
  // A fresh tree every time: kbuild prints a warning only when it compiles, so every object must compile.
  await rm(tree, { recursive: true, force: true });
  await refreshMirrorAt(options.dir, tree);
  const runs = (name: CheckerName) => availability.runnable.includes(name);
  const limits: RunLimits = { timeoutMs: options.settings.timeoutMs, signal: options.signal };
  const kbuild: KbuildCheckOptions = {
    ...options.make,
    tree,
    kernel: options.kernel,
    jobs: options.jobs,
    w1: runs("w1"),
    env: options.env,
  };
  options.onProgress?.(runs("w1") ? "building at W=1" : "building, to learn the files the project builds");
  const build = await runBuildPass(kbuild, limits);
  if (build.failure && !runs("w1"))
    throw new KforgeError(`the build kforge check needs to learn the project's files ${build.failure.reason}`, {
      hint: `raise --timeout (now ${options.settings.timeoutMs / 1000} s); ${build.failure.output.join(" ")}`,
    });
  const files = await readProjectFiles(tree);
  const patches = coccinelle ? coccinelleTasks(coccinelle, files, options.dir, limits) : [];
  const checkpatch = availability.checkpatch && runs("checkpatch") ? availability.checkpatch : undefined;
  // The longest first: sparse's make over every object, then the semantic patches, then checkpatch per file.
  const tasks: (() => Promise<TaskOutcome>)[] = [
    ...(runs("sparse") ? [() => runSparsePass(kbuild, files.compiledObjects, limits)] : []),
    ...patches,
    ...(checkpatch ? [...files.sources, ...files.headers].map((file) => () => runCheckpatch(checkpatch, options.dir, file, limits)) : []),
  ];
  const count = (number: number, what: string) => `${number} ${what}${number === 1 ? "" : what.endsWith("h") ? "es" : "s"}`;
  const what = [
    runs("sparse") ? `sparse on ${count(files.compiledObjects.length, "object")}` : "",
    checkpatch ? `checkpatch.pl on ${count(files.sources.length + files.headers.length, "file")}` : "",
    coccinelle ? count(patches.length, "semantic patch") : "",
  ].filter(Boolean);
  if (what.length > 0) options.onProgress?.(`running ${what.join(", ")}, ${options.jobs} at a time`);
  const done = (await runPool(tasks, options.jobs, options.signal)).filter((outcome): outcome is TaskOutcome => outcome !== undefined);
  const buildOutcome: TaskOutcome = { checker: "w1", findings: runs("w1") ? build.findings : [], failure: build.failure };
  const skipped = (coccinelle?.skipped ?? []).map((reason): TaskOutcome => ({ checker: "coccinelle", findings: [], skipped: reason }));
  return { tasks: [buildOutcome, ...done, ...skipped], files, patchCount: patches.length, log: build.log };
}
