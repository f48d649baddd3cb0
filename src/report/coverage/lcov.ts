// Pure: an lcov tracefile (geninfo's format, which genhtml, Codecov, Coveralls and editors' coverage
// gutters read): one record per source file with its functions, branches and line counts. Source
// paths are absolute, as geninfo writes them.
import { join } from "node:path";
import type { CoverageReport } from "../../coverage/model.js";

export function renderLcov(report: CoverageReport, testName = ""): string {
  const out: string[] = [];
  for (const file of report.files) {
    out.push(`TN:${testName}`, `SF:${join(report.dir, file.path)}`);
    for (const item of file.functionList) out.push(`FN:${item.line},${item.name}`);
    for (const item of file.functionList) out.push(`FNDA:${item.calls},${item.name}`);
    out.push(`FNF:${file.functions.total}`, `FNH:${file.functions.hit}`);
    for (const line of file.lineCounts) {
      // "-": the line never ran, so its branches were not even reached.
      for (const [index, taken] of (line.branches ?? []).entries())
        out.push(`BRDA:${line.line},0,${index},${line.count === 0 ? "-" : taken}`);
    }
    out.push(`BRF:${file.branches.total}`, `BRH:${file.branches.hit}`);
    for (const line of file.lineCounts) out.push(`DA:${line.line},${line.count}`);
    out.push(`LF:${file.lines.total}`, `LH:${file.lines.hit}`, "end_of_record");
  }
  return out.length ? `${out.join("\n")}\n` : "";
}
