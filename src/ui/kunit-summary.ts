// Pure: the human summary of a run's KUnit suites, printed after the guest run's report.
import type { KunitCase, KunitStatus } from "../kernel-log/kunit-results.js";
import type { KunitRun } from "../vm/kunit-run.js";
import type { Palette } from "./color.js";
import { showLine } from "../text/visible-text.js";

const MAX_DIAGNOSTICS = 6;

function mark(status: KunitStatus, palette: Palette): string {
  if (status === "passed") return palette.green("pass ");
  if (status === "skipped") return palette.yellow("skip ");
  return palette.red(status === "crashed" ? "CRASH" : "FAIL ");
}

function formatCase(item: KunitCase, palette: Palette): string[] {
  const reason = item.reason ? palette.dim(`: ${showLine(item.reason)}`) : "";
  const lines = [`    ${mark(item.status, palette)} ${showLine(item.name)}${reason}`];
  for (const parameter of item.parameters.filter((entry) => entry.status !== "passed"))
    lines.push(`          ${mark(parameter.status, palette)} ${showLine(parameter.name)}`);
  if (item.status === "failed" || item.status === "crashed")
    lines.push(
      ...item.diagnostics
        .filter((line) => !line.endsWith(item.reason ?? "\0"))
        .slice(0, MAX_DIAGNOSTICS)
        .map((line) => palette.dim(`          | ${showLine(line)}`)),
    );
  return lines;
}

export function formatKunitSummary(run: KunitRun, palette: Palette): string {
  if (!run.ran) return `${palette.yellow("KUnit: suites not run")}: ${run.reason}\n`;
  const lines = [palette.bold(`KUnit: ${run.modules.join(", ")}`)];
  for (const suite of run.suites) {
    lines.push(`  ${mark(suite.status, palette)} suite ${showLine(suite.name)}${suite.module ? palette.dim(` [${suite.module}]`) : ""}`);
    for (const item of suite.cases) lines.push(...formatCase(item, palette));
    if (suite.notRun > 0) lines.push(palette.red(`    ${suite.notRun} more planned case${suite.notRun === 1 ? "" : "s"} never ran`));
  }
  for (const entry of run.notRun) lines.push(palette.red(`  ${entry.module}: no results, ${showLine(entry.reason)}`));
  const { cases, passed, failed, skipped, crashed } = run.totals;
  const counts =
    `${cases} case${cases === 1 ? "" : "s"} in ${run.totals.suites} suite${run.totals.suites === 1 ? "" : "s"}: ${passed} ` +
    `passed, ${failed} failed, ${skipped} skipped${crashed ? `, ${crashed} crashed` : ""}`;
  lines.push(run.ok ? palette.green(`KUnit ok: ${counts}`) : palette.red(`KUnit failed: ${counts}`));
  return `${lines.join("\n")}\n`;
}
