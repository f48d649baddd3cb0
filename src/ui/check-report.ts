// The human report of `kforge check`: the findings grouped by file with their source lines, as build
// diagnostics are shown, then one line per checker and the verdict; notices for checkers that could
// not run and the output of those that failed.
import { CHECKER_INFO } from "../check/checkers.js";
import type { CheckerSummary, CheckResult } from "../check/summary.js";
import type { Palette } from "./color.js";
import { formatDiagnostics, type SourceLines } from "./diagnostics.js";

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

export function formatCheckReport(result: CheckResult, palette: Palette, sources: SourceLines, name: string): string {
  // Every finding carries a character column (the checkers' display columns are converted).
  const findings = result.findings.length > 0 ? `${formatDiagnostics(result.findings, palette, sources, { columnUnit: "byte" })}\n` : "";
  const width = Math.max(...result.checkers.map((checker) => CHECKER_INFO[checker.name].title.length));
  const rows = result.checkers.map(
    (checker) => `  ${CHECKER_INFO[checker.name].title.padEnd(width)}  ${describeChecker(checker, palette)}`,
  );
  const outside =
    result.outside > 0
      ? `  (${plural(result.outside, "finding")} in files outside the module dir, such as kernel headers, left out)\n`
      : "";
  return `${findings}${rows.join("\n")}\n${outside}${formatVerdict(result, palette, name)}\n`;
}

function describeChecker(checker: CheckerSummary, palette: Palette): string {
  if (checker.status === "missing") return palette.yellow(`did not run: ${checker.missing?.reason}`);
  const unit = { checkpatch: "file", sparse: "object", w1: "object", coccinelle: "semantic patch" }[checker.name];
  const parts = [
    plural(checker.checked, unit).replace(/patchs$/, "patches") +
      (checker.notStarted > 0 ? ` (${checker.notStarted} not started: no file has their tokens)` : ""),
    plural(checker.findings, "finding"),
    ...(checker.ignored > 0 ? [`${checker.ignored} ignored`] : []),
    ...(checker.failures.length > 0 ? [palette.red(`${plural(checker.failures.length, "run")} failed`)] : []),
  ];
  const origin = checker.origin ? palette.dim(` (from ${checker.origin})`) : "";
  return `${parts.join(", ")}${origin}`;
}

function formatVerdict(result: CheckResult, palette: Palette, name: string): string {
  const count = (severity: string) => result.findings.filter((finding) => finding.severity === severity).length;
  const counts = [plural(count("error"), "error"), plural(count("warning"), "warning"), plural(count("note"), "note")].join(", ");
  const failOn = result.failOn.length === 0 ? "nothing fails the run" : `fails on: ${result.failOn.join(", ")}`;
  const seconds = `${(result.durationMs / 1000).toFixed(1)} s`;
  const verdict = result.ok ? palette.green("passed") : palette.red("failed");
  return `${verdict}: kforge check ${name} for ${result.release}: ${counts} (${failOn}; ${seconds})`;
}

// Notices (stderr): checkers that did not run, semantic patches left out, runs that failed with their output.
export function formatCheckNotices(result: CheckResult, palette: Palette): string {
  const lines: string[] = [];
  for (const checker of result.checkers) {
    if (checker.missing)
      lines.push(
        `kforge: notice: ${checker.name} did not run: ${checker.missing.reason} (Debian ` +
          `package ${checker.missing.debianPackage}: apt-get install ${checker.missing.debianPackage})`,
      );
    for (const reason of checker.skipped) lines.push(`kforge: notice: ${checker.name} left out ${reason}`);
    for (const failure of checker.failures) {
      lines.push(`${palette.red("kforge: error:")} ${failure.checker}: ${failure.what} ${failure.reason}`);
      lines.push(...failure.output.map((line) => `  ${palette.dim("|")} ${line}`));
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "";
}
