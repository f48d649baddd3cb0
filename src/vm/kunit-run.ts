// Pure: folds the KUnit results of a guest run into its result. KUnit runs a module's suites while
// insmod loads it, so a failed case fails that module's load step; a suite module that never loaded,
// or loaded and printed nothing, fails the run too (a suite that did not run has not passed).
import { countKunit, parseKunitSuites, type KunitSuite, type KunitTotals } from "../kernel-log/kunit-results.js";
import type { StepResult, VmResult } from "./report.js";

export interface KunitRun {
  // false when the kernel has no KUnit: the suites were not loaded.
  ran: boolean;
  ok: boolean;
  reason?: string;
  // Project sources that declare suites, relative to the project dir.
  sources: string[];
  // The project's suite modules loaded for the run.
  modules: string[];
  totals: KunitTotals;
  suites: KunitSuite[];
  // Suite modules that produced no results, and why.
  notRun: { module: string; reason: string }[];
}

export type KunitVmResult = VmResult & { kunit: KunitRun };

const EMPTY_TOTALS: KunitTotals = { suites: 0, cases: 0, passed: 0, failed: 0, skipped: 0, crashed: 0, notRun: 0 };

export function skippedKunitRun(reason: string, sources: string[]): KunitRun {
  return { ran: false, ok: true, reason, sources, modules: [], totals: EMPTY_TOTALS, suites: [], notRun: [] };
}

const isFailing = (suite: KunitSuite) =>
  suite.status === "failed" ||
  suite.status === "crashed" ||
  suite.notRun > 0 ||
  suite.cases.some((item) => item.status === "failed" || item.status === "crashed");

export function applyKunitResults(result: VmResult, consoleLines: readonly string[], modules: string[], sources: string[]): KunitVmResult {
  const wanted = new Set(modules);
  // Suites of other modules (a kernel running its built-in suites at boot) are not the project's.
  const suites = parseKunitSuites(consoleLines).filter((suite) => suite.module === undefined || wanted.has(suite.module));
  const notRun = modules.flatMap((module) => {
    const reason = findNotRunReason(result, module, suites);
    return reason ? [{ module, reason }] : [];
  });
  const totals = countKunit(suites);
  const ok = notRun.length === 0 && !suites.some(isFailing);
  const steps = result.steps.map((step) => markFailedLoad(step, suites, modules));
  const kunit: KunitRun = { ran: true, ok, sources, modules, totals, suites, notRun };
  return { ...result, ok: result.ok && ok, steps, kunit };
}

function findNotRunReason(result: VmResult, module: string, suites: KunitSuite[]): string | undefined {
  const skipped = result.skipped.find((step) => step.kind === "load" && step.module === module);
  if (skipped) return `not loaded: ${skipped.reason}`;
  const load = result.steps.find((step) => step.kind === "load" && step.module === module);
  if (!load) return "not loaded";
  if (suites.some((suite) => suite.module === module || suite.module === undefined)) return undefined;
  if (load.exitCode === undefined) return `the run ended (${result.end}) while insmod loaded it`;
  if (load.exitCode !== 0) return `insmod failed (exit ${load.exitCode})`;
  return "loaded, but printed no KTAP results (KUnit disabled with kunit.enable=0, or a kernel without CONFIG_KUNIT_DEFAULT_ENABLED?)";
}

// A load step whose module's suites failed becomes a failed step with a diagnosis naming the cases.
function markFailedLoad(step: StepResult, suites: KunitSuite[], modules: string[]): StepResult {
  if (step.kind !== "load" || !step.module || !modules.includes(step.module)) return step;
  // Without "# module:" lines (kernels before 6.3) every suite counts for the last suite module.
  const own = suites.filter((suite) => suite.module === step.module || (suite.module === undefined && step.module === modules.at(-1)));
  const failing = own.filter(isFailing);
  if (failing.length === 0) return step;
  // A crash during the load was diagnosed already.
  if (step.diagnosis) return { ...step, ok: false };
  const cases = failing.flatMap((suite) =>
    suite.cases
      .filter((item) => item.status === "failed" || item.status === "crashed")
      .map((item) => `${suite.name}.${item.name}${item.reason ? ` (${item.reason})` : ""}`),
  );
  const notRun = failing
    .filter((suite) => suite.notRun > 0)
    .map((suite) => `${suite.notRun} case${suite.notRun === 1 ? "" : "s"} of ${suite.name} never ran`);
  return {
    ...step,
    ok: false,
    diagnosis: {
      kind: "kunit-failed",
      title: "KUnit suite failed",
      detail: [...cases, ...notRun].join("; ") || failing.map((suite) => `${suite.name}: ${suite.status}`).join("; "),
      hint: "the failing expectations are in the step's kernel log above (KTAP lines); fix the code or the test and run kforge test again",
    },
  };
}
