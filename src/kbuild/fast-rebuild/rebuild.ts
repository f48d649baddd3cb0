// The fast rebuild path: after a change to a module's .c files, rerun exactly the commands kbuild
// recorded in the .<target>.cmd files (compile, relink, modpost, .mod.o, .ko link, BTF) instead of
// re-entering make, which spends about a second re-reading the kernel's makefiles. Whatever the
// plan (fast-rebuild/plan.ts) cannot prove, and any failing command, goes to make, so the result is
// always the .ko make would have built.
import { rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isAbsolute, join, relative } from "node:path";
import { collectArtifacts } from "../artifacts.js";
import { buildModules, keepArtifacts, type BuildOptions, type KernelBuildResult } from "../build-modules.js";
import { computeFingerprint, describeFile, describeKernelTree, recordBuild } from "../fingerprint.js";
import {
  belongsToKernel,
  compareWithRecord,
  depfileOf,
  exportsReason,
  planFinish,
  planObjects,
  linkerOf,
  makeExports,
  recordMcountReason,
  type BuildDirState,
  type FastRebuildRecord,
  type ModuleUnit,
  type ObjectPlan,
} from "./plan.js";
import { exportsSymbols, observeBuildDir, readModuleUnits, readRecord, symbolSignature, writeRecord, type KeyInput } from "./state.js";
import { unescapeMakeCommand, type RecordedCommand } from "../cmd-file.js";
import { createStepRunner, type StepRunner } from "./steps.js";
import { acquireMakeLock, makeLockPath } from "../make-lock.js";
import { buildMakeArguments } from "../make-arguments.js";
import { resolveLlvm } from "../module-dir.js";
import { readKernelConfig } from "../../kernel/kernel-config.js";
import { planModuleBtf, type BtfStep } from "./module-btf.js";
import { reproducibleEnvironment } from "../reproducible.js";

export interface RebuildResult extends KernelBuildResult {
  path: "fast" | "make";
  // Why make ran instead of the fast path.
  fallback?: string;
}

type Attempt = { result: RebuildResult } | { fallback: string };

// A build through the fast path when it provably gives make's result, else through make.
export async function rebuildModules(options: BuildOptions): Promise<RebuildResult> {
  const started = performance.now();
  const keyInput = await keyInputOf(options);
  const attempt = await attemptFastRebuild(options, keyInput, started);
  if ("result" in attempt) return attempt.result;
  const result = await buildModules(options);
  // What this make left is the base the next fast rebuild compares with.
  if (result.ok) await recordBuildDir(options.dir, keyInput);
  return { ...result, path: "make", fallback: attempt.fallback };
}

async function keyInputOf(options: BuildOptions): Promise<KeyInput> {
  const { release, kdir } = options.kernel;
  const environment = reproducibleEnvironment(options.environment ?? process.env, options.dir);
  const llvm = await resolveLlvm(kdir, options.llvm).catch(() => Boolean(options.llvm));
  const makeArguments = buildMakeArguments({ ...options, llvm, kdir, target: "modules", jobs: undefined });
  return { release, kdir, makeArguments, environment };
}

async function recordBuildDir(dir: string, keyInput: KeyInput): Promise<void> {
  const { state, recorded } = await observeBuildDir(dir, keyInput);
  const units = await readModuleUnits(dir, recorded);
  if (typeof units !== "string") await writeRecord(dir, keyInput.release, state, units);
}

async function attemptFastRebuild(options: BuildOptions, keyInput: KeyInput, started: number): Promise<Attempt> {
  if (options.force) return { fallback: "a forced rebuild always runs make" };
  if ((options.environment ?? process.env).KFORGE_FAST_REBUILD === "off") return { fallback: "KFORGE_FAST_REBUILD=off" };
  if (options.check) return { fallback: "sparse (C=2) runs outside the recorded commands" };
  if (options.buildCommand !== undefined && options.buildCommand !== "kbuild")
    return { fallback: "kforge.json build.command builds through the project's own command" };
  const lock = await acquireMakeLock(options.dir, {
    signal: options.signal,
    onWait: (holder) => options.onEvent?.({ kind: "waiting", holder, lock: makeLockPath(options.dir) }),
  });
  if (!lock)
    return {
      result: finished(options, started, { ok: false, interrupted: true, artifacts: [], diagnostics: [], log: "", exitCode: undefined }),
    };
  try {
    const attempt = await attemptLocked(options, keyInput, started);
    return "result" in attempt ? { result: await keepArtifacts(attempt.result, options) } : attempt;
  } finally {
    await lock.release();
  }
}

interface Prepared {
  record: FastRebuildRecord;
  state: BuildDirState;
  recorded: Map<string, RecordedCommand>;
  units: ModuleUnit[];
  plan: Extract<ObjectPlan, { compile: unknown }>;
  btf: Extract<BtfStep, { needed: boolean }>;
  modifiedAt: (path: string) => number | undefined;
}

async function attemptLocked(options: BuildOptions, keyInput: KeyInput, started: number): Promise<Attempt> {
  const prepared = await prepare(options.dir, keyInput);
  return "fallback" in prepared ? prepared : runPlan(options, keyInput, prepared, started);
}

// Everything that can be checked before the first command runs.
async function prepare(dir: string, keyInput: KeyInput): Promise<Prepared | { fallback: string }> {
  const { kdir, environment } = keyInput;
  const record = await readRecord(dir, keyInput.release);
  const { state, recorded } = await observeBuildDir(dir, keyInput);
  const mismatch = compareWithRecord(record, state);
  if (mismatch) return { fallback: mismatch };
  const units = await readModuleUnits(dir, recorded);
  if (typeof units === "string") return { fallback: units };
  const kernelRoots = [kdir, ...(await describeKernelTree(kdir)).roots];
  const modifiedAt = (path: string) => describeFile(isAbsolute(path) ? path : join(kdir, path))?.[1];
  const plan = planObjects(units, modifiedAt, (path) => belongsToKernel(path, kernelRoots));
  if ("fallback" in plan) return plan;
  const recordMcount = recordMcountReason(await readKernelConfig(kdir));
  if (plan.compile.length > 0 && recordMcount) return { fallback: recordMcount };
  if (plan.compile.length === 0 && plan.link.length === 0) return { fallback: "no object is older than its sources: make decides" };
  const missing = findMissingCommand(
    units,
    recorded,
    dir,
    plan.compile.map((object) => object.command),
  );
  if (missing) return { fallback: missing };
  const btf = await planModuleBtf(kdir, dir, linkerOf(units[0]!.commands.get(units[0]!.ko)!.command), environment);
  if ("unknown" in btf) return { fallback: `the BTF step cannot be reproduced: ${btf.unknown}` };
  return { record: record!, state, recorded, units, plan, btf, modifiedAt };
}

// The recorded commands in kbuild's order: compiles, relinks, modpost, .mod.o, .ko and BTF.
async function runPlan(options: BuildOptions, keyInput: KeyInput, prepared: Prepared, started: number): Promise<Attempt> {
  const { dir } = options;
  const { record, recorded, units, plan, btf, modifiedAt } = prepared;
  const exports = makeExports(plan.compile[0]?.command ?? units[0]!.commands.get(units[0]!.modObject)!.command);
  const steps = createStepRunner({ ...options, environment: { ...keyInput.environment, ...exports } });
  const stop = (reason: string, removeWritten = false) => stopAttempt(options, steps, started, reason, removeWritten);
  const shell = (target: string, recordedCommand: string, label: string) => steps.run(target, unescapeMakeCommand(recordedCommand), label);
  const changed = new Set(plan.link.map((unit) => unit.name));
  if (!(await compileAll(plan.compile, options.jobs ?? availableParallelism(), (object) => steps.compile(object))))
    return stop("a compile failed: make reports it");
  // genksyms would have to run for it; make recompiles what this run wrote and runs it.
  const exporting = plan.compile.find((object) => exportsSymbols(object.target));
  if (exporting) return stop(exportsReason(exporting.target), true);
  for (const object of plan.compile) for (const unit of units) if (unit.members.includes(object.target)) changed.add(unit.name);
  for (const unit of plan.link)
    if (!(await shell(unit.object, unit.commands.get(unit.object)!.command, "LD [M]")))
      return stop(`linking ${relative(dir, unit.object)} failed`);
  const moved = units.find((unit) => record.symbols[relative(dir, unit.object)] !== symbolSignature(unit.object));
  if (moved) return stop(`the symbols ${relative(dir, moved.object)} needs or exports changed since the last make`);
  const symvers = join(dir, "Module.symvers");
  if (!(await shell(symvers, recorded.get(symvers)!.command, "MODPOST"))) return stop("modpost failed: make reports it");
  const finish = planFinish(units, modifiedAt, changed);
  for (const unit of finish.compileMod)
    if (!(await steps.compile(unit.commands.get(unit.modObject)!))) return stop(`compiling ${relative(dir, unit.modObject)} failed`);
  for (const unit of finish.linkKo) {
    if (!(await shell(unit.ko, unit.commands.get(unit.ko)!.command, "LD [M]"))) return stop(`linking ${relative(dir, unit.ko)} failed`);
    if (btf.needed && !(await steps.run(unit.ko, btf.command(unit.ko), "BTF [M]")))
      return stop(`the BTF step for ${relative(dir, unit.ko)} failed`);
  }
  // The commands and sources are the ones compared before: fixdep rewrote the same commands.
  return { result: await complete(options, keyInput, steps, prepared, started) };
}

// Up to `jobs` compiles at once, as make -j runs them; false when one failed (the others finish).
async function compileAll(
  objects: readonly RecordedCommand[],
  jobs: number,
  compile: (object: RecordedCommand) => Promise<boolean>,
): Promise<boolean> {
  let next = 0;
  let ok = true;
  const worker = async () => {
    while (ok && next < objects.length) if (!(await compile(objects[next++]!))) ok = false;
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, objects.length)) }, worker));
  return ok;
}

// Every command the fast path would run must be on record, checked before the first one runs.
function findMissingCommand(
  units: readonly ModuleUnit[],
  recorded: ReadonlyMap<string, unknown>,
  dir: string,
  compiles: readonly string[],
): string | undefined {
  if (!recorded.has(join(dir, "Module.symvers"))) return "kbuild recorded no modpost command";
  const unit = units.find((candidate) => !candidate.commands.has(candidate.ko) || !candidate.commands.has(candidate.modObject));
  if (unit) return `kbuild recorded no final link commands for ${unit.name}`;
  const withoutDepfile = [...compiles, ...units.map((candidate) => candidate.commands.get(candidate.modObject)!.command)].find(
    (command) => !depfileOf(command),
  );
  return withoutDepfile ? "a recorded compile command writes no dependency file" : undefined;
}

async function complete(
  options: BuildOptions,
  keyInput: KeyInput,
  steps: StepRunner,
  dirState: { state: BuildDirState; units: readonly ModuleUnit[] },
  started: number,
): Promise<RebuildResult> {
  const log = await steps.close();
  const scan = await collectArtifacts(options.dir);
  const result = finished(options, started, {
    ok: scan.problems.length === 0,
    interrupted: false,
    artifacts: scan.artifacts,
    diagnostics: [...steps.diagnostics(), ...scan.problems],
    log,
    exitCode: 0,
  });
  if (!result.ok) return result;
  await writeRecord(options.dir, keyInput.release, dirState.state, dirState.units);
  // The dir now is what make would have left: a plain `kforge build` after this has nothing to do.
  const key = await computeFingerprint({ dir: options.dir, ...keyInput });
  await recordBuild(options.dir, keyInput.release, key, { artifacts: result.artifacts, diagnostics: result.diagnostics, exitCode: 0, log });
  return result;
}

function finished(
  options: BuildOptions,
  started: number,
  outcome: Pick<KernelBuildResult, "ok" | "interrupted" | "artifacts" | "diagnostics" | "log" | "exitCode">,
): RebuildResult {
  const { release, kdir } = options.kernel;
  const failed = outcome.diagnostics.some(
    (diagnostic) => diagnostic.severity === "error" || (options.werror && diagnostic.severity === "warning"),
  );
  return {
    release,
    kdir,
    upToDate: false,
    durationMs: Math.round(performance.now() - started),
    ...outcome,
    ok: outcome.ok && !failed && !outcome.interrupted,
    path: "fast",
  };
}

// An attempt that stopped: interrupted, or handed to make (with what it wrote removed when make
// must redo it itself).
async function stopAttempt(
  options: BuildOptions,
  steps: StepRunner,
  started: number,
  reason: string,
  removeWritten: boolean,
): Promise<Attempt> {
  const log = await steps.close();
  if (removeWritten) await Promise.all([...steps.written].map((target) => rm(target, { force: true })));
  if (steps.aborted())
    return {
      result: finished(options, started, { ok: false, interrupted: true, artifacts: [], diagnostics: [], log, exitCode: undefined }),
    };
  return { fallback: reason };
}
