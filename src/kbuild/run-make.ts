// One make run of a build: the build log, the output parsed into diagnostics as it arrives, and the
// probe cache for kforge's own kbuild call. Loaded only when a build really runs make, so an up-to-date
// build's start path stays short (bench/start-path.mjs).
import { EnvironmentError, UsageError } from "../errors.js";
import { run } from "../process/exec.js";
import type { BuildOptions } from "./build-modules.js";
import { openBuildLog } from "./build-log.js";
import { estimateBuildSize } from "./build-size.js";
import { createKbuildOutputParser, type Diagnostic } from "./parse-output.js";
import { prepareProbeCache, tryRunOverride } from "./probe-cache.js";

export interface MakeRun {
  exitCode: number | undefined;
  interrupted: boolean;
  diagnostics: Diagnostic[];
  log: string;
}

export interface MakeCall {
  program: string;
  argv: string[];
  environment: NodeJS.ProcessEnv;
  // Set for kforge's own kbuild call, whose target comes last; a project's command is run as it is.
  kbuild?: { cross: { prefix: string; compiler: string } | undefined };
}

export async function runMake(options: BuildOptions, call: MakeCall): Promise<MakeRun> {
  const { program, argv: makeArguments, environment } = call;
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

function quoteForDisplay(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replaceAll("'", "'\\''")}'`;
}
