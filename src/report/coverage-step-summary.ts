// Pure: the Markdown a coverage run appends to GitHub's step summary ($GITHUB_STEP_SUMMARY): one row
// per kernel with its line percentage, then per file.
import type { CoverageResult, Tally } from "../coverage/model.js";
import { percentOf } from "../coverage/model.js";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const shown = (tally: Tally) => `${tally.hit}/${tally.total}`;

export function renderCoverageStepSummary(results: readonly CoverageResult[], title: string): string {
  const rows = results.flatMap((result) => {
    if (result.status !== "ok") return [`| ${cell(result.release)} | all | ${cell(`${result.status}: ${result.reason}`)} | | | |`];
    const { lines, functions, branches, percent } = result.totals;
    const status = result.partial ? `${percent.toFixed(1)}% (partial)` : `${percent.toFixed(1)}%`;
    return [
      `| ${cell(result.release)} | **all** | **${status}** | ${shown(lines)} | ${shown(functions)} | ${shown(branches)} |`,
      ...result.files.map(
        (file) =>
          `| ${cell(result.release)} | ${cell(file.path)} | ${percentOf(file.lines).toFixed(1)}% ` +
          `| ${shown(file.lines)} | ${shown(file.functions)} | ${shown(file.branches)} |`,
      ),
    ];
  });
  const table = ["| kernel | file | line coverage | lines | functions | branches |", "| --- | --- | --- | --- | --- | --- |", ...rows];
  return `### ${title}\n\n${table.join("\n")}\n\n`;
}
