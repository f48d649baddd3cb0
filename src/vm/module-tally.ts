// Pure: what a run did with the project's modules (loaded, failed, skipped and why), and whether
// steps ran on a kernel that had already oopsed. Feeds the `modules` and `taintedAfter` report fields.
import type { ModuleTally, SkippedStep, StepResult } from "./report.js";
import type { PlannedStep } from "./plan.js";

// TAINT_DIE: the kernel oopsed or hit a BUG since boot.
const TAINT_DIE = 1 << 7;

export function tallyModules(loads: PlannedStep[], steps: StepResult[], skipped: SkippedStep[]): ModuleTally {
  const project = new Set(loads.filter((step) => !step.inTree && step.module).map((step) => step.module!));
  const loadResults = steps.filter((step) => step.kind === "load" && step.module && project.has(step.module));
  return {
    planned: project.size,
    loaded: loadResults.filter((step) => step.exitCode === 0).length,
    failed: loadResults.filter((step) => step.exitCode !== 0).map((step) => step.module!),
    skipped: skipped
      .filter((step) => step.kind === "load" && step.module && project.has(step.module))
      .map((step) => ({ module: step.module!, reason: step.reason, ...(step.provider ? { provider: step.provider } : {}) })),
  };
}

// The step whose result first showed taint D, when any step ran after it.
export function findStepsAfterDeath(steps: StepResult[]): { taintedAfter?: string } {
  const index = steps.findIndex((step) => step.taint !== undefined && (step.taint & TAINT_DIE) !== 0);
  return index >= 0 && index < steps.length - 1 ? { taintedAfter: steps[index]!.name } : {};
}
