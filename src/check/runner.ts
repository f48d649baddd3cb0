// `kforge check`'s engine: decides which checkers can run, builds in the check tree (at W=1 when
// chosen), learns the files the project builds, then runs sparse, checkpatch.pl per file and each
// semantic patch side by side, a few processes at a time, each with a time limit. Prints nothing.
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { InterruptedError, KforgeError } from "../errors.js";
import type { KernelTarget } from "../kbuild/build-modules.js";
import { acquireMakeLock } from "../kbuild/make-lock.js";
import { refreshMirrorAt } from "../kbuild/mirror.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { resolveAvailability, type Availability, type MissingChecker } from "./availability.js";
import type { CheckerName, Finding } from "./checkers.js";
import { runCheckpatch } from "./checkpatch.js";
import { includeArguments, listSemanticPatches, planSemanticPatches, runSemanticPatch, spatchArguments } from "./coccinelle.js";
import { sortFindings } from "./findings.js";
import { runBuildPass, runSparsePass, type KbuildCheckOptions } from "./kbuild-checks.js";
import { runPool } from "./pool.js";
import { readProjectFiles, type ProjectFiles } from "./project-files.js";
import type { CheckerFailure, RunLimits, TaskOutcome } from "./run-tool.js";
import { failsRun, type CheckSettings } from "./settings.js";

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

export interface CheckerSummary {
  name: CheckerName;
  status: "ran" | "failed" | "missing";
  // What it went over: files for checkpatch, objects for sparse and the build, semantic patches for coccinelle.
  checked: number;
  findings: number;
  ignored: number;
  // Where checkpatch.pl or the semantic patches came from.
  origin?: string;
  missing?: MissingChecker;
  failures: CheckerFailure[];
  // What it left out and why (semantic patches that need OCaml).
  skipped: string[];
}

export interface CheckResult {
  release: string;
  kdir: string;
  ok: boolean;
  checkers: CheckerSummary[];
  findings: Finding[];
  // Findings in files outside the module dir (kernel headers): left out.
  outside: number;
  files: string[];
  failOn: CheckSettings["failOn"];
  durationMs: number;
  // The W=1 build's log.
  log: string;
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
  const lock = await acquireMakeLock(options.dir, `check-${kernel.release}`, { signal: options.signal });
  if (!lock) throw new InterruptedError();
  try {
    const outcomes = await checkLocked(options, availability);
    if (options.signal?.aborted) throw new InterruptedError();
    return summarize(options, availability, outcomes, Math.round(performance.now() - started));
  } finally {
    await lock.release();
  }
}

interface Outcomes {
  tasks: TaskOutcome[];
  files: ProjectFiles;
  patchCount: number;
  log: string;
}

async function checkLocked(options: CheckOptions, availability: Availability): Promise<Outcomes> {
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
  const tasks: (() => Promise<TaskOutcome>)[] = [];
  if (runs("sparse")) tasks.push(() => runSparsePass(kbuild, files.compiledObjects, limits));
  const patches = runs("coccinelle") ? await coccinelleTasks(options, availability, files, limits) : { tasks: [], count: 0, skipped: [] };
  tasks.push(...patches.tasks);
  if (availability.checkpatch && runs("checkpatch"))
    for (const file of [...files.sources, ...files.headers])
      tasks.push(() => runCheckpatch(availability.checkpatch!, options.dir, file, limits));
  options.onProgress?.(`running ${describeTasks(runs, files, patches.count)}, ${options.jobs} at a time`);
  const done = (await runPool(tasks, options.jobs, options.signal)).filter((outcome): outcome is TaskOutcome => outcome !== undefined);
  const buildOutcome: TaskOutcome = { checker: "w1", findings: runs("w1") ? build.findings : [], failure: build.failure };
  const skipped: TaskOutcome[] = patches.skipped.map((reason) => ({ checker: "coccinelle", findings: [], skipped: reason }));
  return { tasks: [buildOutcome, ...done, ...skipped], files, patchCount: patches.count, log: build.log };
}

function describeTasks(runs: (name: CheckerName) => boolean, files: ProjectFiles, patchCount: number): string {
  const parts = [
    runs("sparse") ? `sparse on ${files.compiledObjects.length} objects` : "",
    runs("checkpatch") ? `checkpatch.pl on ${files.sources.length + files.headers.length} files` : "",
    runs("coccinelle") ? `${patchCount} semantic patches` : "",
  ];
  return parts.filter(Boolean).join(", ") || "no further checkers";
}

async function coccinelleTasks(options: CheckOptions, availability: Availability, files: ProjectFiles, limits: RunLimits) {
  const scripts = availability.scripts!;
  const plan = planSemanticPatches(await listSemanticPatches(scripts), availability.spatchVersion, availability.hasOcaml);
  const sources = files.sources.filter((file) => file.endsWith(".c"));
  if (sources.length === 0) return { tasks: [], count: 0, skipped: plan.skipped };
  const includes = await includeArguments(scripts.dir, await sourceArch(options.kernel.kdir));
  const input = { includes, sources, headers: files.headers, python: availability.spatchPython };
  const tasks = plan.run.map((patch) => () => runSemanticPatch(patch, spatchArguments(patch, input), options.dir, limits));
  return { tasks, count: plan.run.length, skipped: plan.skipped };
}

// The kernel's SRCARCH for the include paths: x86 for both x86 flavours, else the config's architecture.
async function sourceArch(kdir: string): Promise<string> {
  const config = await readKernelConfig(kdir);
  if (config?.get("CONFIG_X86") === "y") return "x86";
  if (config?.get("CONFIG_ARM64") === "y") return "arm64";
  return config?.get("CONFIG_ARM") === "y" ? "arm" : "x86";
}

function summarize(options: CheckOptions, availability: Availability, outcomes: Outcomes, durationMs: number): CheckResult {
  const { settings } = options;
  const linesCache = new Map<string, string[] | undefined>();
  const readLines = (file: string) => {
    if (!linesCache.has(file)) linesCache.set(file, readLinesOf(join(options.dir, file)));
    return linesCache.get(file);
  };
  const sorted = sortFindings(
    outcomes.tasks.flatMap((outcome) => outcome.findings),
    settings.ignore,
    readLines,
  );
  const checked: Record<CheckerName, number> = {
    checkpatch: outcomes.files.sources.length + outcomes.files.headers.length,
    sparse: outcomes.files.compiledObjects.length,
    w1: outcomes.files.compiledObjects.length,
    coccinelle: outcomes.patchCount,
  };
  const checkers = settings.checkers.map((name): CheckerSummary => {
    const own = outcomes.tasks.filter((outcome) => outcome.checker === name);
    const failures = own.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []));
    const missing = availability.missing.find((checker) => checker.name === name);
    return {
      name,
      status: missing ? "missing" : failures.length > 0 ? "failed" : "ran",
      checked: missing ? 0 : checked[name],
      findings: sorted.findings.filter((finding) => finding.checker === name).length,
      ignored: sorted.ignored[name] ?? 0,
      origin: name === "checkpatch" ? availability.checkpatch?.origin : name === "coccinelle" ? availability.scripts?.origin : undefined,
      missing,
      failures,
      skipped: own.flatMap((outcome) => (outcome.skipped ? [outcome.skipped] : [])),
    };
  });
  const failed = checkers.some((checker) => checker.status === "failed") || failsRun(sorted.findings, settings.failOn);
  return {
    release: options.kernel.release,
    kdir: options.kernel.kdir,
    ok: !failed,
    checkers,
    findings: sorted.findings,
    outside: sorted.outside,
    files: [...outcomes.files.sources, ...outcomes.files.headers],
    failOn: settings.failOn,
    durationMs,
    log: outcomes.log,
  };
}

function readLinesOf(path: string): string[] | undefined {
  try {
    return readFileSync(path, "utf8").split("\n");
  } catch {
    return undefined;
  }
}
