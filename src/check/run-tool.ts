// Runs one checker process with a time limit: in its own process group, so a hung make stops with
// every sparse it started, and with the outcome a checker's task reports: its findings, or why it failed.
import { run, type RunResult } from "../process/exec.js";
import type { CheckerName, Finding } from "./checkers.js";
import { showControls } from "../text/visible-text.js";

export interface RunLimits {
  timeoutMs: number;
  // Ctrl-C or SIGTERM.
  signal?: AbortSignal;
}

export interface ToolRun {
  result: RunResult;
  timedOut: boolean;
}

export interface CheckerFailure {
  checker: CheckerName;
  // What ran: "checkpatch.pl noisy.c", "make C=2 (sparse)".
  what: string;
  // "did not finish within 300 s", "exited with 2", "was killed by SIGSEGV".
  reason: string;
  // The end of what it printed, stderr first: the tool's own explanation.
  output: string[];
}

export interface TaskOutcome {
  checker: CheckerName;
  findings: Finding[];
  failure?: CheckerFailure;
  // Semantic patches skipped (OCaml, spatch version), checkpatch files and so on: said once in the report.
  skipped?: string;
  // A semantic patch not started because no project file has the tokens its rules need: checked, no findings.
  notStarted?: boolean;
}

export async function runTool(
  file: string,
  args: readonly string[],
  cwd: string,
  limits: RunLimits,
  env?: NodeJS.ProcessEnv,
): Promise<ToolRun> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const result = await run(file, args, { cwd, env, signal: withTimeout(limits.signal, timeout), processGroup: true });
  return { result, timedOut: timeout.aborted && !limits.signal?.aborted };
}

export const withTimeout = (signal: AbortSignal | undefined, timeout: AbortSignal): AbortSignal =>
  signal ? AbortSignal.any([signal, timeout]) : timeout;

const OUTPUT_LINES = 20;

// undefined when the process ended as the tool ends normally (exit codes in `okExitCodes`).
export function describeFailure(
  checker: CheckerName,
  what: string,
  run: ToolRun,
  limits: RunLimits,
  okExitCodes: readonly number[] = [0],
): CheckerFailure | undefined {
  const { result } = run;
  const reason = run.timedOut
    ? `did not finish within ${Math.round(limits.timeoutMs / 1000)} s and was stopped`
    : result.notFound
      ? "could not be started"
      : result.signal
        ? `was killed by ${result.signal}`
        : result.exitCode !== undefined && !okExitCodes.includes(result.exitCode)
          ? `exited with ${result.exitCode}`
          : undefined;
  // An interrupted run is no checker's failure: the whole check stops.
  if (reason === undefined || (result.canceled && !run.timedOut)) return undefined;
  return { checker, what, reason, output: tailLines(`${result.stderr}\n${result.stdout}`) };
}

export function tailLines(text: string, count = OUTPUT_LINES): string[] {
  return text
    .split("\n")
    .map((line) => showControls(line.trimEnd()))
    .filter((line) => line !== "")
    .slice(-count);
}
