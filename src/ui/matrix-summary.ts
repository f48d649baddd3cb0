// The summary of a matrix build: one row per kernel × module with its outcome, warnings, errors and time.
import type { KernelBuildResult } from "../kbuild/build-modules.js";
import type { Palette } from "./color.js";
import { formatColumns } from "./table.js";

// A kernel outside the project's gates: listed with its reason, never counted as failed.
export interface SkippedRow {
  release: string;
  reason: string;
}

export function formatMatrixSummary(results: readonly KernelBuildResult[], palette: Palette, skipped: readonly SkippedRow[] = []): string {
  const header = ["kernel", "module", "result", "warnings", "errors", "time"];
  const rows = [
    ...results.flatMap((result) => matrixRows(result)),
    ...skipped.map((kernel) => [kernel.release, "(all)", `skipped: ${kernel.reason}`, "", "", ""]),
  ];
  const failed = results.filter((result) => !result.ok).length;
  const skips = skipped.length > 0 ? `, ${skipped.length} skipped by gates` : "";
  const headline =
    failed === 0
      ? palette.green(`built for ${results.length} kernels${skips}`)
      : palette.red(`${failed} of ${results.length} kernels failed${skips}`);
  return `${headline}\n${formatColumns([header, ...rows])}`;
}

function matrixRows(result: KernelBuildResult): string[][] {
  const count = (severity: string) => String(result.diagnostics.filter((diagnostic) => diagnostic.severity === severity).length);
  const time = `${(result.durationMs / 1000).toFixed(2)} s`;
  const outcome = result.interrupted ? "interrupted" : !result.ok ? "failed" : result.upToDate ? "up to date" : "ok";
  // A failed build names no modules: kbuild wrote none, so the row stands for the whole dir.
  const modules = result.artifacts.length > 0 ? result.artifacts.map((artifact) => artifact.module) : ["(all)"];
  return modules.map((module) => [result.release, module, outcome, count("warning"), count("error"), time]);
}
