// Pure: JUnit XML for `kforge test`, one test suite per kernel and one test case per step (load, test
// command, unload). A failed step carries its output, kernel log and diagnosis; a crash fails the step
// it happened in; a step that never ran is <skipped> with the reason. A kernel whose build failed has
// one "build" case, one that did not boot a "boot" case, one that was skipped a skipped "(all)" case.
import type { StepResult, VmResult } from "../vm/report.js";
import { diagnosticDetails, diagnosticText } from "./report-input.js";
import { renderJunitSuites, type JunitCase, type JunitSuite } from "./junit.js";
import { isSkipped, type KernelTestOutcome } from "./test-outcome.js";

export function renderTestJunit(outcomes: readonly KernelTestOutcome[], reportName: string): string {
  return renderJunitSuites(
    outcomes.map((outcome) => testSuite(outcome, `${reportName}.${outcome.release}`)),
    reportName,
  );
}

function testSuite(outcome: KernelTestOutcome, classname: string): JunitSuite {
  const single = (testCase: Omit<JunitCase, "classname" | "durationMs">): JunitSuite => ({
    name: outcome.release,
    durationMs: 0,
    cases: [{ ...testCase, classname, durationMs: 0 }],
  });
  if (isSkipped(outcome)) return single({ name: "(all)", outcome: "skipped", message: outcome.reason });
  if ("error" in outcome)
    return single({
      name: "(all)",
      outcome: "error",
      type: "environment",
      message: outcome.error.message,
      details: outcome.error.hint ?? "",
    });
  if ("build" in outcome) {
    const first = outcome.build.diagnostics.find((diagnostic) => diagnostic.severity === "error") ?? outcome.build.diagnostics[0];
    const details = [...outcome.build.diagnostics.map(diagnosticDetails), `full log: ${outcome.build.log}`].join("\n");
    return single({ name: "build", outcome: "failed", type: "build", message: first ? diagnosticText(first) : "build failed", details });
  }
  const cases = runCases(outcome, classname);
  return { name: outcome.release, durationMs: outcome.bootMs + cases.reduce((sum, testCase) => sum + testCase.durationMs, 0), cases };
}

function runCases(result: VmResult, classname: string): JunitCase[] {
  const boot: JunitCase[] = result.booted
    ? []
    : [
        {
          name: "boot",
          classname,
          durationMs: result.bootMs,
          outcome: "failed",
          type: "boot",
          message: result.diagnosis ?? `the guest did not boot (${result.end})`,
          details: bootDetails(result),
        },
      ];
  const steps = result.steps.map((step) => stepCase(step, result, classname));
  const skipped = result.skipped.map(
    (step): JunitCase => ({ name: step.name, classname, durationMs: 0, outcome: "skipped", message: step.reason }),
  );
  const cases = [...boot, ...steps, ...skipped];
  const stepNames = new Set(result.steps.map((step) => step.name));
  // A crash outside any step (during boot or shutdown), or a run that ended badly with every step passed.
  const loose = result.crashes.filter((crash) => crash.step === null || !stepNames.has(crash.step));
  if (loose.length > 0)
    cases.push({
      name: "kernel log",
      classname,
      durationMs: 0,
      outcome: "failed",
      type: "crash",
      message: loose[0]!.title,
      details: loose.flatMap((crash) => crash.log).join("\n"),
    });
  if (!result.ok && !cases.some((testCase) => testCase.outcome === "failed"))
    cases.push({
      name: "run",
      classname,
      durationMs: 0,
      outcome: "failed",
      type: result.end,
      message: result.diagnosis ?? result.end,
      details: result.hint ?? "",
    });
  return cases;
}

function stepCase(step: StepResult, result: VmResult, classname: string): JunitCase {
  const crashes = result.crashes.filter((crash) => crash.step === step.name);
  const text = [step.output.replace(/\n$/, ""), ...step.kernelLog].filter((line) => line !== "").join("\n");
  const base = { name: step.name, classname, durationMs: step.durationMs };
  if (crashes.length > 0) {
    const first = crashes[0]!;
    const where = first.function
      ? ` in ${first.function}${first.module ? ` [${first.module}]` : ""}${first.source ? ` at ${first.source}` : ""}`
      : "";
    return {
      ...base,
      outcome: "failed",
      type: "crash",
      message: `${first.kind}${where}: ${first.title}`,
      details: [text, ...crashes.flatMap((crash) => crash.log)].join("\n"),
    };
  }
  if (step.ok) return { ...base, outcome: "passed", details: text };
  const message = step.diagnosis ? `${step.diagnosis.title}: ${step.diagnosis.detail}` : `exit ${step.exitCode ?? "unknown"}`;
  return {
    ...base,
    outcome: "failed",
    type: "step",
    message,
    details: [text, step.diagnosis?.hint ? `hint: ${step.diagnosis.hint}` : ""].filter(Boolean).join("\n"),
  };
}

function bootDetails(result: VmResult): string {
  return [result.hint ? `hint: ${result.hint}` : "", result.consoleLog ? `console log: ${result.consoleLog}` : ""]
    .filter(Boolean)
    .join("\n");
}
