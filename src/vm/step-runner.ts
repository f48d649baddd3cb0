// Runs planned steps over a guest session: loads (stopping at the first failure), test steps, the
// interactive shell when asked, then unloads of what loaded, in reverse. Each step gets its output,
// exit status, kernel log lines, crash reports and, when it failed, a diagnosis.
import { diagnoseLoadFailure, diagnoseUnloadFailure } from "../loader/diagnose.js";
import type { ConsoleMonitor } from "./console-monitor.js";
import type { CommandOutcome, GuestSession } from "./guest-channel.js";
import type { RunEnd, StepResult } from "./report.js";
import type { PlannedStep } from "./vm-plan.js";

export interface StepEvents {
  onStepStart?: (step: PlannedStep) => void;
  onStepEnd?: (result: StepResult) => void;
}

export interface StepsOutcome {
  steps: StepResult[];
  end: { end: RunEnd; diagnosis?: string };
  taintBefore: number;
  taintAfter: number;
}

// A guest whose agent sends no heartbeat for this long has stopped responding.
const SILENCE_LIMIT_MS = 5000;
const SHELL_TIMEOUT_MS = 2 ** 31 - 1;
const SHELL_COMMAND = "@shell";

export async function executeSteps(
  session: GuestSession,
  monitor: ConsoleMonitor,
  plan: { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] },
  options: { deadline: number; signal?: AbortSignal; events?: StepEvents; shell?: boolean },
): Promise<StepsOutcome> {
  const steps: StepResult[] = [];
  let taint = session.initialTaint;
  const loaded = new Set<string>();
  const execute = async (step: PlannedStep, timeoutMs = options.deadline - Date.now()): Promise<StepsOutcome["end"] | undefined> => {
    if (options.signal?.aborted) return { end: "interrupted" };
    options.events?.onStepStart?.(step);
    monitor.step = step.name;
    const crashesBefore = monitor.crashes.reports.length;
    const outcome = await session.run(step.command, { timeoutMs: Math.max(timeoutMs, 1) });
    const result = toStepResult(step, outcome, monitor.crashes.reports.length > crashesBefore);
    if (outcome.status === "done") taint = outcome.tainted;
    if (result.ok && step.kind === "load" && step.module) loaded.add(step.module);
    steps.push(result);
    options.events?.onStepEnd?.(result);
    return outcome.status === "done" ? undefined : describeUnfinished(step, outcome, monitor, options.signal);
  };
  const finish = (end: StepsOutcome["end"]) => ({ steps, end, taintBefore: session.initialTaint, taintAfter: taint });

  let loadsOk = true;
  for (const step of plan.loads) {
    const end = await execute(step);
    if (end) return finish(end);
    if (!steps.at(-1)!.ok) {
      loadsOk = false;
      break;
    }
  }
  if (loadsOk) {
    for (const step of plan.tests) {
      const end = await execute(step);
      if (end) return finish(end);
    }
    if (options.shell) {
      const end = await execute({ name: "interactive shell", kind: "exec", command: SHELL_COMMAND }, SHELL_TIMEOUT_MS);
      if (end) return finish(end);
    }
  }
  for (const step of plan.unloads.filter((unload) => unload.module && loaded.has(unload.module))) {
    const end = await execute(step);
    if (end) return finish(end);
  }
  return finish({ end: "completed" });
}

function toStepResult(step: PlannedStep, outcome: CommandOutcome, crashed: boolean): StepResult {
  const base = { name: step.name, kind: step.kind, ...(step.module ? { module: step.module } : {}), durationMs: outcome.durationMs };
  if (outcome.status !== "done") return { ...base, ok: false, output: "", kernelLog: [] };
  const result: StepResult = {
    ...base,
    // The interactive shell ends with whatever the user's last command returned: not a test result.
    ok: (outcome.exitCode === 0 || step.command === SHELL_COMMAND) && !crashed,
    exitCode: outcome.exitCode,
    output: outcome.output,
    kernelLog: outcome.kernelLog,
    taint: outcome.tainted,
  };
  if (!result.ok && step.module && step.kind !== "exec") {
    const input = { module: step.module, exitCode: outcome.exitCode, stderr: outcome.output, kernelLog: outcome.kernelLog, isRoot: true };
    result.diagnosis = step.kind === "load" ? diagnoseLoadFailure(input) : diagnoseUnloadFailure(input);
  }
  return result;
}

function describeUnfinished(step: PlannedStep, outcome: CommandOutcome, monitor: ConsoleMonitor, signal?: AbortSignal): StepsOutcome["end"] {
  if (signal?.aborted) return { end: "interrupted" };
  if (monitor.panic) return { end: "panic", diagnosis: `the kernel panicked during "${step.name}": ${monitor.panic.title}` };
  const seconds = (outcome.durationMs / 1000).toFixed(1);
  if (outcome.status === "closed") return { end: "qemu-exited", diagnosis: `QEMU exited during "${step.name}"` };
  if (outcome.status === "timeout" && outcome.silentMs > SILENCE_LIMIT_MS) {
    return { end: "guest-unresponsive", diagnosis: `the guest stopped responding during "${step.name}": no heartbeat for ${(outcome.silentMs / 1000).toFixed(1)} s (the kernel is stuck, e.g. a module spinning with interrupts or preemption off)` };
  }
  if (step.kind === "load") {
    return { end: "module-init-hang", diagnosis: `module init never returned: "${step.name}" was still running after ${seconds} s while the guest stayed responsive (${step.module}'s init function blocks or loops)` };
  }
  return { end: "step-timeout", diagnosis: `"${step.name}" was still running after ${seconds} s (the guest stayed responsive)` };
}
