// The builder library: one kbuild run for one kernel, returning the same result shape whether make
// succeeded, failed or was interrupted. Prints nothing; progress goes to onEvent. The build and
// clean commands, the VM runner, watch and the kernel matrix all call this.
import { availableParallelism } from "node:os";
import { rm } from "node:fs/promises";
import { EnvironmentError, UsageError } from "../errors.js";
import { prepareDkmsTree, resolveBuildCommand, type BuildCommand, type BuildCommandSetting } from "./build-command.js";
import { collectArtifacts, copyArtifacts, removeListedModules, type Artifact } from "./artifacts.js";
import { openBuildLog } from "./build-log.js";
import { estimateBuildSize, type BuildSize } from "./build-size.js";
import { acquireMakeLock, makeLockPath } from "./make-lock.js";
import { computeFingerprint, fingerprintPath, readRecordedBuild, recordBuild } from "./fingerprint.js";
import { buildMakeArguments, buildMakeVariables, resolveJobs, type KbuildFlags } from "./make-arguments.js";
import { assertBuildTools, assertKernelTree, assertModuleDir, assertTargetArch, readKbuildFiles, resolveLlvm } from "./module-dir.js";
import { createKbuildOutputParser, type Diagnostic, type OutputEvent } from "./parse-output.js";
import { requestedArch } from "./target-arch.js";
import { assertHostHelpers, readTreeToolchain } from "./tree-target.js";
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
  // How to build (build-command.ts): kforge.json build.command, resolved by the project model; default kforge's kbuild call.
  buildCommand?: BuildCommandSetting;
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
  await assertTargetArch(kdir, release, requestedArch(options.arch, options.variables));
  const llvm = await resolveLlvm(kdir, options.llvm);
  const jobs = resolveJobs({
    requested: options.jobs,
    cpuCount: availableParallelism(),
    makefileTexts: await readKbuildFiles(options.dir),
    environmentMakeflags: environment.MAKEFLAGS,
  });
  const command = await resolveBuildCommand({
    setting: options.buildCommand,
    dir: options.dir,
    release,
    kdir,
    jobs,
    variables: buildMakeVariables({ ...options, llvm }),
  });
  const makeArguments = command
    ? [command.program, ...command.argv]
    : buildMakeArguments({ ...options, llvm, kdir, target: "modules", jobs });
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
    return await keepArtifacts(
      await buildLocked(options, { fingerprintInput, makeArguments, environment, llvm, elapsed, command }),
      options,
    );
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
  command: BuildCommand | undefined;
}

// Under the make lock, so the fingerprint check sees what a build that just finished recorded.
async function buildLocked(options: BuildOptions, input: LockedBuildInput): Promise<KernelBuildResult> {
  const { fingerprintInput, makeArguments, environment, llvm, elapsed, command } = input;
  const { release, kdir } = options.kernel;
  // Fingerprint only when there is a record to compare with: a first build pays nothing for it.
  const recorded = options.force ? undefined : await readRecordedBuild(options.dir, release);
  if (recorded && recorded.key === (await computeFingerprint(fingerprintInput))) {
    options.onEvent?.({ kind: "up-to-date" });
    return judge({ ...recorded.build, release, kdir, upToDate: true, interrupted: false, durationMs: elapsed() }, options.werror);
  }
  await assertHostHelpers(kdir, release);
  // ARCH= and CROSS_COMPILE= came with the options (the project derives them from the tree): the tree's
  // compiler and architecture here only name the cross compiler and key the probe cache.
  const { compiler, foreign } = await readTreeToolchain(kdir);
  await assertBuildTools({ ...options, llvm, compiler, foreign, release });
  // Whatever make does from here on, the old record no longer describes the dir.
  await rm(fingerprintPath(options.dir, release), { force: true });
  if (options.force) await removeListedModules(options.dir);
  if (command) await prepareDkmsTree(command, options.dir);
  const cross = options.crossCompile ? { prefix: options.crossCompile, compiler } : undefined;
  const made = command
    ? await runMake(options, { program: command.program, argv: command.argv, environment: { ...environment, PWD: options.dir } })
    : await runMake(options, { program: "make", argv: makeArguments, environment, kbuild: { cross } });
  const interrupted = made.interrupted || Boolean(options.signal?.aborted);
  // The failure's explanation and a project command's artifacts are loaded only when needed: an
  // up-to-date build's start path stays short (bench/start-path.mjs).
  if (made.exitCode !== 0 && !interrupted)
    await (await import("./failure-explain.js")).explainFailure(
      options.dir,
      await readKbuildFiles(options.dir),
      options.kernel,
      made.diagnostics,
    );
  const scan =
    made.exitCode !== 0 || interrupted
      ? { artifacts: [], problems: [] }
      : command
        ? await (await import("./command-artifacts.js")).collectCommandArtifacts(options.dir, release, command)
        : await collectArtifacts(options.dir);
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

interface MakeCall {
  program: string;
  argv: string[];
  environment: NodeJS.ProcessEnv;
  // Set for kforge's own kbuild call, whose target comes last; a project's command is run as it is.
  kbuild?: { cross: { prefix: string; compiler: string } | undefined };
}

async function runMake(options: BuildOptions, call: MakeCall): Promise<MakeRun> {
  const { program, argv: makeArguments, environment } = call;
  // Loaded here, not at the top: an up-to-date build never starts a process.
  const { run } = await import("../process/exec.js");
  const { prepareProbeCache, tryRunOverride } = await import("./probe-cache.js");
  const notice = (message: string) => options.onEvent?.({ kind: "notice", message });
  const probeCache = call.kbuild
    ? await prepareProbeCache(options.kernel.kdir, environment, { cross: call.kbuild.cross, notice })
    : undefined;
  // The override goes before the target; what users see is the command as they would type it.
  const argv = probeCache ? [...makeArguments.slice(0, -1), tryRunOverride(probeCache), ...makeArguments.slice(-1)] : makeArguments;
  const command = [program, ...makeArguments].map(quoteForDisplay).join(" ");
  const log = openBuildLog(options.dir, options.kernel.release, {
    command: [program, ...argv].map(quoteForDisplay).join(" "),
    kdir: options.kernel.kdir,
  });
  const parser = createKbuildOutputParser(options.dir);
  const size = await estimateBuildSize(options.dir);
  options.onEvent?.({ kind: "start", command, log: log.path, ...(size ? { size } : {}) });
  const result = await run(program, argv, {
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
  if (result.notFound && program === "make")
    throw new EnvironmentError("make could not be started", "apt-get install make gcc (or build-essential)");
  if (result.notFound)
    throw new UsageError(`${program}, the build command's program, could not be started`, "fix build.command in kforge.json");
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
