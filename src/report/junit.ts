// Pure: JUnit XML for a build, one test suite per kernel, one test case per kernel × module; a failed
// case carries the diagnostics, a kernel skipped by the gates is a <skipped> case.
import { caseNames, diagnosticText, type ReportKernel } from "./report-input.js";

export const escapeXml = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
const seconds = (milliseconds: number) => (milliseconds / 1000).toFixed(3);

export function renderJunit(kernels: readonly ReportKernel[], suiteName: string): string {
  const suites = kernels.map((kernel) => renderSuite(kernel, suiteName));
  const count = (pick: (kernel: ReportKernel) => boolean) => kernels.filter(pick).reduce((sum, kernel) => sum + caseNames(kernel).length, 0);
  const total = count(() => true);
  const failures = count((kernel) => kernel.outcome === "failed");
  const errors = count((kernel) => kernel.outcome === "interrupted");
  const time = seconds(kernels.reduce((sum, kernel) => sum + kernel.durationMs, 0));
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${escapeXml(suiteName)}" tests="${total}" failures="${failures}" errors="${errors}" time="${time}">\n${suites.join("")}</testsuites>\n`;
}

function renderSuite(kernel: ReportKernel, suiteName: string): string {
  const names = caseNames(kernel);
  const n = names.length;
  const failures = kernel.outcome === "failed" ? n : 0;
  const errors = kernel.outcome === "interrupted" ? n : 0;
  const skipped = kernel.outcome === "skipped" ? n : 0;
  const time = seconds(kernel.durationMs / n);
  const cases = names.map((name) => `    <testcase name="${escapeXml(name)}" classname="${escapeXml(`${suiteName}.${kernel.release}`)}" time="${time}">${caseBody(kernel)}</testcase>\n`);
  return `  <testsuite name="${escapeXml(kernel.release)}" tests="${n}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(kernel.durationMs)}">\n${cases.join("")}  </testsuite>\n`;
}

function caseBody(kernel: ReportKernel): string {
  const details = kernel.diagnostics.map(diagnosticText).join("\n");
  if (kernel.outcome === "skipped") return `<skipped message="${escapeXml(kernel.reason ?? "skipped")}"/>`;
  if (kernel.outcome === "interrupted") return `<error message="build interrupted" type="interrupted"/>`;
  if (kernel.outcome === "failed") {
    const first = kernel.diagnostics.find((diagnostic) => diagnostic.severity === "error") ?? kernel.diagnostics[0];
    const message = first ? diagnosticText(first) : `build failed, see ${kernel.log ?? "the build log"}`;
    return `<failure message="${escapeXml(message)}" type="build">${escapeXml(details)}</failure>`;
  }
  return details === "" ? "" : `<system-out>${escapeXml(details)}</system-out>`;
}
