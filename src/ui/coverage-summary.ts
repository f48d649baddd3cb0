// Pure: the human report of a coverage run, printed after the guest run's report: the totals, then
// per file its lines, functions and branches, each function with its calls, and the lines that
// never ran; then where the report files are.
import { relative } from "node:path";
import { type CoverageResult, type FileCoverage, type FunctionCoverage, percentOf, type Tally } from "../coverage/model.js";
import type { Palette } from "./color.js";

const ratio = (tally: Tally) => `${tally.hit}/${tally.total}`;
const withPercent = (tally: Tally) => `${ratio(tally)} (${percentOf(tally).toFixed(1)}%)`;

// Pure: the lines with no count, as ranges of instrumented lines with no run line between them.
export function linesNotRun(file: FileCoverage): string[] {
  const ranges: [number, number][] = [];
  let open: [number, number] | undefined;
  for (const line of file.lineCounts) {
    if (line.count > 0) {
      open = undefined;
      continue;
    }
    if (open) open[1] = line.line;
    else {
      open = [line.line, line.line];
      ranges.push(open);
    }
  }
  return ranges.map(([first, last]) => (first === last ? `${first}` : `${first}-${last}`));
}

function formatFunction(item: FunctionCoverage, width: number, palette: Palette): string {
  const calls = (item.calls > 0 ? `called ${item.calls}` : "not called").padEnd(12);
  const branches = item.branches.total ? `   branches ${ratio(item.branches)}` : "";
  return (
    `    ${item.name.padEnd(width)}  line ${String(item.line).padEnd(5)} ${item.calls > 0 ? calls : palette.red(calls)}   ` +
    `lines ${ratio(item.lines)}${branches}`
  );
}

function formatFile(file: FileCoverage, palette: Palette): string[] {
  const width = Math.max(...file.functionList.map((item) => item.name.length), 0);
  const notRun = linesNotRun(file);
  return [
    `  ${palette.bold(file.path)}  lines ${withPercent(file.lines)}, functions ${ratio(file.functions)}, branches ${ratio(file.branches)}`,
    ...file.functionList.map((item) => formatFunction(item, width, palette)),
    ...(notRun.length ? [palette.dim(`    lines not run: ${notRun.join(", ")}`)] : []),
  ];
}

// Report paths are shown relative to cwd when they are under it.
export function formatCoverage(result: CoverageResult, palette: Palette, cwd?: string): string {
  if (result.status === "not-collected") return `${palette.red(`coverage on ${result.release}: not collected`)}: ${result.reason}\n`;
  if (result.status === "refused")
    return `${palette.red(`coverage on ${result.release}: refused`)}: ${result.reason}\n${result.hint ? `  hint: ${result.hint}\n` : ""}`;
  const { lines, functions, branches } = result.totals;
  const heading = `coverage on ${result.release}: lines ${withPercent(lines)}, functions ${ratio(functions)}, branches ${ratio(branches)}`;
  const out = [palette.bold(heading)];
  if (result.partial) out.push(palette.yellow(`  partial: ${result.partialReason}`));
  if (result.files.length === 0) out.push(palette.yellow("  no source of the project was instrumented"));
  for (const file of result.files) out.push(...formatFile(file, palette));
  const reports = Object.values(result.reports ?? {}).map((path) => {
    const shown = cwd === undefined ? path : relative(cwd, path);
    return shown.startsWith("..") ? path : shown;
  });
  if (reports.length) out.push(palette.dim(`  reports: ${reports.join(", ")}`));
  return `${out.join("\n")}\n`;
}
