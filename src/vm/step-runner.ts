// Runs planned steps over a guest session: loads (stopping at the first insmod that fails, or with
// keepGoing skipping only the modules that need a failed one), test
// steps, the interactive shell when asked, then unloads of what loaded, in reverse. Each step gets its
// output, exit status, kernel log lines, crash reports and, when it failed, a diagnosis; every step
// that did not run is listed with the reason.
import type { CrashReport } from "../kernel-log/crash.js";
import type { ConsoleMonitor } from "./guest/console-monitor.js";
import type { CommandOutcome, GuestSession } from "./guest/channel.js";
import { LEAK_SCAN_STEP, type LeakCheck } from "./leak-check.js";
import type { RunEnd, SkippedStep, StepResult } from "./report.js";
import { diagnoseStep, findIgnoredParameters } from "./step-diagnosis.js";
import type { PlannedStep } from "./plan.js";

export interface StepEvents {
  onStepStart?: (step: PlannedStep) => void;
  onStepEnd?: (result: StepResult) => void;
}

// Runs in the guest once the test steps are done and before anything is unloaded (coverage copies
// the modules' counters here); not called when the run has already ended.
export type BeforeUnload = (session: GuestSession, context: { timeoutMs: number; crashes: readonly CrashReport[] }) => Promise<void>;

export interface StepsOutcome {
  steps: StepResult[];
  skipped: SkippedStep[];
  end: { end: RunEnd; diagnosis?: string };
  taintBefore: number;
  // undefined when the last step did not finish: the taint is unknown.
  taintAfter: number | undefined;
}

// A guest whose agent sends no heartbeat for this long has stopped responding.
const SILENCE_LIMIT_MS = 5000;
const SHELL_TIMEOUT_MS = 2 ** 31 - 1;
const SHELL_COMMAND = "@shell";
const BEFORE_UNLOAD_MIN_MS = 10_000;

export async function executeSteps(
  session: GuestSession,
  monitor: ConsoleMonitor,
  plan: { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] },
  options: {
    deadline: number;
    signal?: AbortSignal;
    events?: StepEvents;
    shell?: boolean;
    keepGoing?: boolean;
    leakCheck?: LeakCheck;
    beforeUnload?: BeforeUnload;
  },
): Promise<StepsOutcome> {
  const steps: StepResult[] = [];
  const skipped: SkippedStep[] = [];
  let taint: number | undefined = session.initialTaint;
  let ended: StepsOutcome["end"] | undefined;
  const loaded = new Set<string>();
  // Runs the step unless the run has ended or `skipReason` says why not.
  const execute = async (
    step: PlannedStep,
    skipReason?: string,
    timeoutMs = options.deadline - Date.now(),
    provider?: string,
  ): Promise<void> => {
    if (!ended && options.signal?.aborted) ended = { end: "interrupted" };
    const reason = ended ? `the run ended first (${ended.end})` : skipReason;
    if (reason) {
      skipped.push({
        name: step.name,
        kind: step.kind,
        ...(step.module ? { module: step.module } : {}),
        reason,
        ...(provider && !ended ? { provider } : {}),
      });
      return;
    }
    options.events?.onStepStart?.(step);
    monitor.step = step.name;
    const crashesBefore = monitor.crashes.reports.length;
    const outcome = await session.run(step.command, { timeoutMs: Math.max(timeoutMs, 1) });
    // kmemleak reports come in the step's output, not on the console: they join the console's reports.
    if (step === LEAK_SCAN_STEP && outcome.status === "done")
      monitor.crashes.reports.push(...(await options.leakCheck!.findLeaks(outcome.output, step.name)));
    const result = toStepResult(step, outcome, monitor.crashes.reports.slice(crashesBefore));
    taint = outcome.status === "done" ? outcome.tainted : undefined;
    // insmod succeeded: the module is in, even when its init printed a WARNING.
    if (result.exitCode === 0 && step.kind === "load" && step.module) loaded.add(step.module);
    steps.push(result);
    options.events?.onStepEnd?.(result);
    if (outcome.status !== "done") ended = describeUnfinished(step, outcome, monitor, options.signal);
  };

  let failedLoad: string | undefined;
  // With keepGoing: each module that failed or was skipped -> the failed load it traces back to.
  const unavailable = new Map<string, string>();
  for (const step of plan.loads) {
    const provider = options.keepGoing ? step.depends?.map((name) => unavailable.get(name)).find(Boolean) : undefined;
    const reason = options.keepGoing ? provider && `needs ${provider}, which failed to load` : failedLoad && `${failedLoad} failed`;
    const before = steps.length;
    await execute(step, reason, undefined, provider);
    const last = steps.length > before ? steps.at(-1) : undefined;
    if (step.module && (provider || (last && last.exitCode !== 0))) unavailable.set(step.module, provider ?? step.module);
    if (!failedLoad && last && last.exitCode !== 0) failedLoad = step.name;
  }
  // With keepGoing the test steps run whatever failed: they see what did load.
  const testBlocker = options.keepGoing ? undefined : failedLoad && `${failedLoad} failed`;
  for (const step of plan.tests) await execute(step, testBlocker);
  if (options.shell) await execute({ name: "interactive shell", kind: "exec", command: SHELL_COMMAND }, testBlocker, SHELL_TIMEOUT_MS);
  const leakCheck = loaded.size > 0 ? options.leakCheck : undefined;
  if (leakCheck && !ended) await leakCheck.recordSections(session, options.deadline - Date.now());
  if (options.beforeUnload && !ended && !options.signal?.aborted) {
    // Never starved by a run that used up its time: what ran is worth reading.
    const timeoutMs = Math.max(options.deadline - Date.now(), BEFORE_UNLOAD_MIN_MS);
    await options.beforeUnload(session, { timeoutMs, crashes: monitor.crashes.reports });
  }
  const oops = taskKillingOops(steps, plan.tests, monitor.crashes.reports);
  for (const step of plan.unloads)
    await execute(step, !step.module || !loaded.has(step.module) ? `${step.module} is not loaded` : oops && oopsBlocksUnload(oops));
  if (leakCheck) await execute(LEAK_SCAN_STEP);
  return { steps, skipped, end: ended ?? { end: "completed" }, taintBefore: session.initialTaint, taintAfter: taint };
}

// An oops kills the task that hit it, which keeps what it held (a module's parameter lock, its
// refcount): rmmod after one in a test step would wait on it until the time limit. The step's own
// exit by a signal confirms it: a module printing an oops header alone does not stop the unload.
const TASK_KILLING: readonly CrashReport["kind"][] = ["oops", "null-dereference", "general-protection-fault", "bug"];
const KILLED_BY_SIGNAL = 128;

const taskKillingOops = (steps: readonly StepResult[], tests: readonly PlannedStep[], reports: readonly CrashReport[]) =>
  steps.find(
    (step) =>
      tests.some((test) => test.name === step.name) &&
      (step.exitCode ?? 0) > KILLED_BY_SIGNAL &&
      reports.some((report) => report.step === step.name && TASK_KILLING.includes(report.kind)),
  );

const oopsBlocksUnload = (step: StepResult) =>
  `the kernel oopsed during "${step.name}", killing it: the task still holds what it held, so rmmod could hang; the guest is thrown away`;

export function toStepResult(step: PlannedStep, outcome: CommandOutcome, crashes: StepFacts["crashes"]): StepResult {
  const base = { name: step.name, kind: step.kind, ...(step.module ? { module: step.module } : {}), durationMs: outcome.durationMs };
  if (outcome.status !== "done") return { ...base, ok: false, output: "", kernelLog: [] };
  const ignoredParameters = step.kind === "load" ? findIgnoredParameters(outcome.kernelLog) : [];
  const result: StepResult = {
    ...base,
    // The interactive shell ends with whatever the user's last command returned: not a test result.
    ok: (outcome.exitCode === 0 || step.command === SHELL_COMMAND) && crashes.length === 0 && ignoredParameters.length === 0,
    exitCode: outcome.exitCode,
    output: outcome.output,
    kernelLog: outcome.kernelLog,
    ...(outcome.kernelLogDropped ? { kernelLogDropped: outcome.kernelLogDropped } : {}),
    taint: outcome.tainted,
  };
  if (!result.ok && step.module && step.kind !== "exec") {
    result.diagnosis = diagnoseStep(
      { ...step, module: step.module },
      { exitCode: outcome.exitCode, output: outcome.output, kernelLog: outcome.kernelLog, crashes },
    );
  }
  return result;
}

type StepFacts = Parameters<typeof diagnoseStep>[1];

export function describeUnfinished(
  step: PlannedStep,
  outcome: CommandOutcome,
  monitor: ConsoleMonitor,
  signal?: AbortSignal,
): StepsOutcome["end"] {
  if (signal?.aborted) return { end: "interrupted" };
  // A panic line counts when the guest died (panic=-1 and -no-reboot end QEMU): a module can print one.
  if (monitor.panic && outcome.status === "closed")
    return { end: "panic", diagnosis: `the kernel panicked during "${step.name}": ${monitor.panic.title}` };
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  if (outcome.status === "closed") return { end: "qemu-exited", diagnosis: `QEMU exited during "${step.name}"` };
  if (outcome.status === "timeout" && outcome.silentMs > SILENCE_LIMIT_MS) {
    return {
      end: "guest-unresponsive",
      diagnosis:
        `the guest stopped responding during "${step.name}": no heartbeat for ${(outcome.silentMs / 1000).toFixed(1)} ` +
        `s (the kernel is stuck, e.g. a module spinning with interrupts or preemption off)`,
    };
  }
  if (step.kind === "load") {
    return {
      end: "module-init-hang",
      diagnosis:
        `module init never returned: "${step.name}" was still running after ${seconds} s ` +
        `while the guest stayed responsive (${step.module}'s init function blocks or loops)`,
    };
  }
  return { end: "step-timeout", diagnosis: `"${step.name}" was still running after ${seconds} s (the guest stayed responsive)` };
}
