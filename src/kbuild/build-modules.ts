// The builder library: one kbuild run for one kernel, returning the same result shape whether make
// succeeded, failed or was interrupted. Prints nothing; progress goes to onEvent. The build and
// clean commands, the VM runner, watch and the kernel matrix all call this.
import { availableParallelism } from "node:os";
import { rm } from "node:fs/promises";
import { EnvironmentError } from "../errors.js";
import { collectArtifacts, copyArtifacts, removeListedModules, type Artifact } from "./artifacts.js";
import { openBuildLog } from "./build-log.js";
import { estimateBuildSize, type BuildSize } from "./build-size.js";
import { acquireMakeLock, makeLockPath } from "./make-lock.js";
import { computeFingerprint, fingerprintPath, readRecordedBuild, recordBuild } from "./fingerprint.js";
import { buildMakeArguments, resolveJobs, type KbuildFlags } from "./make-arguments.js";
import { assertBuildTools, assertKernelTree, assertModuleDir, assertTargetArch, readKbuildFiles, resolveLlvm } from "./module-dir.js";
import { createKbuildOutputParser, type Diagnostic, type OutputEvent } from "./parse-output.js";
import { requestedArch } from "./target-arch.js";
import { reproducibleEnvironment } from "./reproducible.js";

export interface KernelTarget {
  release: string;
  kdir: string;
}

export interface BuildOptions extends KbuildFlags {
  // Absolute path of the module dir.
  dir: string;
  kernel: KernelTarget;
  werror?: boolean;
  // Run make even when the fingerprint says nothing changed.
  force?: boolean;
  // Extra make variables, NAME=value.
  variables?: string[];
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
  // Defaults to process.env; kbuild-relevant variables are part of the fingerprint.
  environment?: NodeJS.ProcessEnv;
  // Copy the built modules into this folder before the make lock is released, and return the copies
  // (artifacts.ts copyArtifacts): watch loads them while another build may run.
  copyArtifactsTo?: string;
}

export type BuildEvent =
  | OutputEvent
  // size: the objects and modules this build is expected to make, when the project says (build-size.ts).
  | { kind: "start"; command: string; log: string; size?: BuildSize }
  | { kind: "output"; line: string; stream: "stdout" | "stderr" }
  | { kind: "up-to-date" }
  // Another kforge process runs make in this build dir (for any kernel): this build waits for it.
  | { kind: "waiting"; holder: number; lock: string }
  // Something the user should know that does not fail the build (the probe cache is off: no cache dir).
  | { kind: "notice"; message: string };

export interface KernelBuildResult {
  release: string;
  kdir: string;
  ok: boolean;
  // make was skipped because nothing changed since the last successful build.
  upToDate: boolean;
  durationMs: number;
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  // Absolute path of build.log.
  log: string;
  // make's exit code; undefined when make was skipped or killed by a signal.
  exitCode: number | undefined;
  interrupted: boolean;
}

export async function buildModules(options: BuildOptions): Promise<KernelBuildResult> {
  const started = performance.now();
  const environment = reproducibleEnvironment(options.environment ?? process.env, options.dir);
  const { release, kdir } = options.kernel;
  await assertModuleDir(options.dir);
  await assertKernelTree(kdir, release);
  await assertTargetArch(kdir, requestedArch(options.arch, options.variables));
  const llvm = await resolveLlvm(kdir, options.llvm);
  const jobs = resolveJobs({
    requested: options.jobs,
    cpuCount: availableParallelism(),
    makefileTexts: await readKbuildFiles(options.dir),
    environmentMakeflags: environment.MAKEFLAGS,
  });
  const makeArguments = buildMakeArguments({ ...options, llvm, kdir, target: "modules", jobs });
  const fingerprintInput = { dir: options.dir, release, kdir, makeArguments, environment };
  const elapsed = () => Math.round(performance.now() - started);

  const lock = await acquireMakeLock(options.dir, {
    signal: options.signal,
    onWait: (holder) => options.onEvent?.({ kind: "waiting", holder, lock: makeLockPath(options.dir) }),
  });
  if (!lock)
    return judge(
      {
        release,
        kdir,
        upToDate: false,
        durationMs: elapsed(),
        artifacts: [],
        diagnostics: [],
        log: "",
        exitCode: undefined,
        interrupted: true,
      },
      options.werror,
    );
  try {
    return await keepArtifacts(await buildLocked(options, { fingerprintInput, makeArguments, environment, llvm, elapsed }), options);
  } finally {
    await lock.release();
  }
}

// Under the make lock: the copies options.copyArtifactsTo asks for, in place of the built files.
export async function keepArtifacts<Result extends KernelBuildResult>(result: Result, options: BuildOptions): Promise<Result> {
  if (!options.copyArtifactsTo || !result.ok) return result;
  return { ...result, artifacts: await copyArtifacts(result.artifacts, options.copyArtifactsTo) };
}

interface LockedBuildInput {
  fingerprintInput: Parameters<typeof computeFingerprint>[0];
  makeArguments: string[];
  environment: NodeJS.ProcessEnv;
  llvm: Awaited<ReturnType<typeof resolveLlvm>>;
  elapsed: () => number;
}

// Under the make lock, so the fingerprint check sees what a build that just finished recorded.
async function buildLocked(options: BuildOptions, input: LockedBuildInput): Promise<KernelBuildResult> {
  const { fingerprintInput, makeArguments, environment, llvm, elapsed } = input;
  const { release, kdir } = options.kernel;
  // Fingerprint only when there is a record to compare with: a first build pays nothing for it.
  const recorded = options.force ? undefined : await readRecordedBuild(options.dir, release);
  if (recorded && recorded.key === (await computeFingerprint(fingerprintInput))) {
    options.onEvent?.({ kind: "up-to-date" });
    return judge({ ...recorded.build, release, kdir, upToDate: true, interrupted: false, durationMs: elapsed() }, options.werror);
  }
  await assertBuildTools({ ...options, llvm });
  // Whatever make does from here on, the old record no longer describes the dir.
  await rm(fingerprintPath(options.dir, release), { force: true });
  if (options.force) await removeListedModules(options.dir);
  const made = await runMake(options, makeArguments, environment);
  const interrupted = made.interrupted || Boolean(options.signal?.aborted);
  const scan = made.exitCode === 0 && !interrupted ? await collectArtifacts(options.dir) : { artifacts: [], problems: [] };
  const result = judge(
    {
      release,
      kdir,
      upToDate: false,
      durationMs: elapsed(),
      artifacts: scan.problems.length > 0 ? [] : scan.artifacts,
      diagnostics: [...made.diagnostics, ...scan.problems],
      log: made.log,
      exitCode: made.exitCode,
      interrupted,
    },
    options.werror,
  );
  if (result.ok) {
    const { artifacts, diagnostics, exitCode, log } = result;
    await recordBuild(options.dir, release, await computeFingerprint(fingerprintInput), { artifacts, diagnostics, exitCode, log });
  }
  return result;
}

interface MakeRun {
  exitCode: number | undefined;
  interrupted: boolean;
  diagnostics: Diagnostic[];
  log: string;
}

async function runMake(options: BuildOptions, makeArguments: string[], environment: NodeJS.ProcessEnv): Promise<MakeRun> {
  // Loaded here, not at the top: an up-to-date build never starts a process.
  const { run } = await import("../process/exec.js");
  const { prepareProbeCache, tryRunOverride } = await import("./probe-cache.js");
  const probeCache = await prepareProbeCache(options.kernel.kdir, environment, (message) => options.onEvent?.({ kind: "notice", message }));
  // The override goes before the target; what users see is the command as they would type it.
  const argv = probeCache ? [...makeArguments.slice(0, -1), tryRunOverride(probeCache), ...makeArguments.slice(-1)] : makeArguments;
  const command = ["make", ...makeArguments].map(quoteForDisplay).join(" ");
  const log = openBuildLog(options.dir, options.kernel.release, {
    command: ["make", ...argv].map(quoteForDisplay).join(" "),
    kdir: options.kernel.kdir,
  });
  const parser = createKbuildOutputParser(options.dir);
  const size = await estimateBuildSize(options.dir);
  options.onEvent?.({ kind: "start", command, log: log.path, ...(size ? { size } : {}) });
  const result = await run("make", argv, {
    cwd: options.dir,
    env: environment,
    signal: options.signal,
    processGroup: true,
    onLine: (line, stream) => {
      log.writeLine(line);
      options.onEvent?.({ kind: "output", line, stream });
      for (const event of parser.parseLine(line)) options.onEvent?.(event);
    },
  });
  const interrupted = result.canceled;
  await log.close({ exitCode: result.exitCode, signal: result.signal, durationMs: result.durationMs, interrupted });
  if (result.notFound) throw new EnvironmentError("make could not be started", "apt-get install make gcc (or build-essential)");
  return { exitCode: result.exitCode, interrupted, diagnostics: parser.diagnostics(), log: log.path };
}

// ok: make succeeded, every module exists, no error (and with --werror no warning) was reported.
function judge(result: Omit<KernelBuildResult, "ok">, werror: boolean | undefined): KernelBuildResult {
  const failedBy = (severity: Diagnostic["severity"]) => result.diagnostics.some((diagnostic) => diagnostic.severity === severity);
  const ok = !result.interrupted && (result.upToDate || result.exitCode === 0) && !failedBy("error") && !(werror && failedBy("warning"));
  return { ...result, ok, artifacts: result.interrupted ? [] : result.artifacts };
}

function quoteForDisplay(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}
