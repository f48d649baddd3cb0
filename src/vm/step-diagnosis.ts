// Pure: why a guest step whose command succeeded still failed (a WARNING or other crash report while
// it ran, a parameter the kernel ignored), and the diagnosis of a failed load or unload. The module
// stays loaded after such a step, so the run goes on.
import type { CrashReport } from "../kernel-log/crash.js";
import { MODULE_MESSAGES, stripKernelLogPrefix } from "../kernel-log/module-messages.js";
import { diagnoseLoadFailure, diagnoseUnloadFailure, type Diagnosis } from "../loader/diagnose.js";
import type { PlannedStep } from "./plan.js";

// Parameter names the kernel said it ignored: "greet: unknown parameter 'nosuch' ignored".
export function findIgnoredParameters(kernelLog: readonly string[]): string[] {
  return kernelLog
    .map((line) => MODULE_MESSAGES.unknownParameter.exec(stripKernelLogPrefix(line))?.[2])
    .filter((name): name is string => name !== undefined);
}

export interface StepFacts {
  exitCode: number;
  output: string;
  kernelLog: string[];
  // Crash reports that started while the step ran.
  crashes: CrashReport[];
}

// Sanitizer and lockdep reports name the bad access or lock order; the others are read from the stack.
const SANITIZER_HINTS: Partial<Record<CrashReport["kind"], string>> = {
  kasan: "KASAN caught a bad memory access: the report's Allocated by and Freed by stacks say where the object came from and went",
  kfence: "KFENCE caught a bad access to a sampled object: the report shows where it was allocated",
  ubsan: "UBSAN caught undefined behaviour at the line it names",
  lockdep:
    "lockdep saw an unsafe locking pattern: the report's chains show where each lock was taken; lockdep stays off for the rest of the run",
};

function crashHint(crash: CrashReport): string {
  const at = crash.source ? ` (at ${crash.source})` : "";
  const sanitizer = SANITIZER_HINTS[crash.kind];
  if (sanitizer) return `${sanitizer}${at}; the remaining steps still ran`;
  return (
    `${crash.kind === "warning" ? "a WARN_ON/WARN condition was true: " : ""}read ` +
    `the RIP and Call Trace lines of the report; the remaining steps still ran`
  );
}

export function diagnoseStep(step: PlannedStep & { module: string }, facts: StepFacts): Diagnosis {
  if (facts.exitCode !== 0) {
    const input = {
      module: step.module,
      exitCode: facts.exitCode,
      stderr: facts.output,
      kernelLog: facts.kernelLog,
      isRoot: true,
      environment: "vm" as const,
    };
    return step.kind === "load" ? diagnoseLoadFailure(input) : diagnoseUnloadFailure(input);
  }
  const [crash] = facts.crashes;
  const done = step.kind === "load" ? "loaded" : "unloaded";
  if (crash) {
    const where = crash.function ? ` in ${crash.function}${crash.module ? ` [${crash.module}]` : ""}` : "";
    const warning = crash.kind === "warning";
    return {
      kind: warning ? "kernel-warning" : "kernel-crash-report",
      title: `${step.module} ${done}, but the kernel reported a ${warning ? "WARNING" : crash.kind}${where}`,
      detail: crash.title,
      hint: crashHint(crash),
    };
  }
  const ignored = findIgnoredParameters(facts.kernelLog);
  return {
    kind: "unknown-parameter",
    title: `${step.module} has no parameter ${ignored.join(", ")}: the kernel ignored it`,
    detail: facts.kernelLog.find((line) => MODULE_MESSAGES.unknownParameter.test(line)) ?? "",
    hint: `list its parameters with kforge info ${step.module}.ko; fix the name after -- or in kforge.json params`,
  };
}
