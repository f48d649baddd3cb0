// Runs the kernel's own make for an O= build dir: the source tree stays as unpacked (shared by every
// release built from it) and each release keeps its objects in <cache>/kernels/<release>/build.
import { availableParallelism } from "node:os";
import { InterruptedError, KforgeError } from "../errors.js";
import type { BuildLog } from "../kbuild/build-log.js";
import { run, type RunResult } from "../process/exec.js";

export interface KernelMakeOptions {
  sourceDir: string;
  kdir: string;
  log: BuildLog;
  signal?: AbortSignal;
  jobs?: number;
  onLine?: (line: string) => void;
}

export async function runKernelMake(
  targets: readonly string[],
  options: KernelMakeOptions,
  variables: readonly string[] = [],
): Promise<RunResult> {
  const args = ["-C", options.sourceDir, `O=${options.kdir}`, `-j${options.jobs ?? availableParallelism()}`, ...variables, ...targets];
  options.log.writeLine(`$ make ${args.join(" ")}`);
  return run("make", args, {
    signal: options.signal,
    processGroup: true,
    onLine: (line) => {
      options.log.writeLine(line);
      options.onLine?.(line);
    },
  });
}

// Throws for a make that failed or was interrupted, naming the last error lines and the log.
export function checkMake(result: RunResult, what: string, log: BuildLog): void {
  if (result.canceled) throw new InterruptedError(`${what} interrupted; run the same command again to resume`);
  if (!result.failed) return;
  if (result.notFound)
    throw new KforgeError("make is not installed", {
      exitCode: 2,
      hint: "install make and gcc (apt-get install make gcc bc flex bison libelf-dev libssl-dev)",
    });
  const errors = result.all
    .split("\n")
    .filter((line) => /error|Error|\*\*\*/.test(line))
    .slice(-5);
  throw new KforgeError(`${what} failed:\n${errors.map((line) => `  ${line}`).join("\n") || "  (no error line)"}`, {
    hint: `the whole output is in ${log.path}`,
  });
}
