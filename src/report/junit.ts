// Pure: JUnit XML. A report is test suites of test cases; a case passed, failed (with a message and
// details), hit an error (interrupted), or was skipped (with the reason). The build's mapping is here:
// one suite per kernel, one case per kernel × module, a failed case carrying the diagnostics.
import { caseNames, diagnosticDetails, diagnosticText, type ReportKernel } from "./report-input.js";
import { escapeXml } from "./xml.js";

export interface JunitCase {
  name: string;
  classname: string;
  durationMs: number;
  outcome: "passed" | "failed" | "error" | "skipped";
  // The failure, error or skip message.
  message?: string;
  // Failure type: "build", "step", "boot", "crash".
  type?: string;
  // Failure or error text; for a passed case, its output (<system-out>).
  details?: string;
}

export interface JunitSuite {
  name: string;
  durationMs: number;
  cases: JunitCase[];
}

const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(3);
const countOf = (cases: readonly JunitCase[], outcome: JunitCase["outcome"]) =>
  cases.filter((testCase) => testCase.outcome === outcome).length;

export function renderJunitSuites(suites: readonly JunitSuite[], reportName: string): string {
  const cases = suites.flatMap((suite) => suite.cases);
  const time = seconds(suites.reduce((sum, suite) => sum + suite.durationMs, 0));
  const head =
    `<testsuites name="${escapeXml(reportName)}" tests="${cases.length}" failures="${countOf(cases, "failed")}" ` +
    `errors="${countOf(cases, "error")}" skipped="${countOf(cases, "skipped")}" time="${time}">`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.map(renderSuite).join("")}</testsuites>\n`;
}

function renderSuite(suite: JunitSuite): string {
  const { cases } = suite;
  const counts =
    `tests="${cases.length}" failures="${countOf(cases, "failed")}" ` +
    `errors="${countOf(cases, "error")}" skipped="${countOf(cases, "skipped")}"`;
  const body = cases.map(
    (testCase) =>
      `    <testcase name="${escapeXml(testCase.name)}" classname="${escapeXml(testCase.classname)}" ` +
      `time="${seconds(testCase.durationMs)}">${caseBody(testCase)}</testcase>\n`,
  );
  return `  <testsuite name="${escapeXml(suite.name)}" ${counts} time="${seconds(suite.durationMs)}">\n${body.join("")}  </testsuite>\n`;
}

function caseBody(testCase: JunitCase): string {
  const message = escapeXml(testCase.message ?? testCase.outcome);
  const details = escapeXml(testCase.details ?? "");
  if (testCase.outcome === "skipped") return `<skipped message="${message}"/>`;
  if (testCase.outcome === "error") return `<error message="${message}" type="${escapeXml(testCase.type ?? "error")}">${details}</error>`;
  if (testCase.outcome === "failed")
    return `<failure message="${message}" type="${escapeXml(testCase.type ?? "failure")}">${details}</failure>`;
  return details === "" ? "" : `<system-out>${details}</system-out>`;
}

export function renderJunit(kernels: readonly ReportKernel[], suiteName: string): string {
  return renderJunitSuites(
    kernels.map((kernel) => buildSuite(kernel, suiteName)),
    suiteName,
  );
}

function buildSuite(kernel: ReportKernel, suiteName: string): JunitSuite {
  const names = caseNames(kernel);
  const details = kernel.diagnostics.map(diagnosticDetails).join("\n");
  const first = kernel.diagnostics.find((diagnostic) => diagnostic.severity === "error") ?? kernel.diagnostics[0];
  const outcome = { ok: "passed", failed: "failed", interrupted: "error", skipped: "skipped" } as const;
  const message = {
    ok: undefined,
    failed: first ? diagnosticText(first) : `build failed, see ${kernel.log ?? "the build log"}`,
    interrupted: "build interrupted",
    skipped: kernel.reason ?? "skipped",
  }[kernel.outcome];
  const cases = names.map(
    (name): JunitCase => ({
      name,
      classname: `${suiteName}.${kernel.release}`,
      durationMs: kernel.durationMs / names.length,
      outcome: outcome[kernel.outcome],
      message,
      type: kernel.outcome === "interrupted" ? "interrupted" : "build",
      details: kernel.outcome === "interrupted" ? "" : details,
    }),
  );
  return { name: kernel.release, durationMs: kernel.durationMs, cases };
}
