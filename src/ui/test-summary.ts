// Pure: the summary of `kforge test` on several kernels, one row per kernel: result, steps passed of
// those planned, crashes and time.
import { isSkipped, type KernelTestOutcome } from "../report/test-outcome.js";
import type { Palette } from "./color.js";
import { formatColumns } from "./table.js";

export function formatTestSummary(outcomes: readonly KernelTestOutcome[], palette: Palette): string {
  const header = ["kernel", "result", "steps", "crashes", "time"];
  const rows = outcomes.map(summaryRow);
  const skipped = outcomes.filter(isSkipped).length;
  const tested = outcomes.length - skipped;
  const failed = outcomes.filter((outcome) => !outcome.ok).length;
  const skips = skipped > 0 ? `, ${skipped} skipped` : "";
  const headline =
    failed === 0 ? palette.green(`passed on ${tested} kernels${skips}`) : palette.red(`failed on ${failed} of ${tested} kernels${skips}`);
  return `${headline}\n${formatColumns([header, ...rows])}`;
}

function summaryRow(outcome: KernelTestOutcome): string[] {
  if (isSkipped(outcome)) return [outcome.release, `skipped: ${outcome.reason}`, "", "", ""];
  if ("build" in outcome) return [outcome.release, "build failed", "", "", ""];
  if ("error" in outcome) return [outcome.release, `error: ${outcome.error.message}`, "", "", ""];
  const planned = outcome.steps.length + outcome.skipped.length;
  const passed = outcome.steps.filter((step) => step.ok).length;
  const time = (outcome.bootMs + outcome.steps.reduce((sum, step) => sum + step.durationMs, 0)) / 1000;
  const result = outcome.ok ? "passed" : outcome.end === "completed" ? "failed" : `failed: ${outcome.end}`;
  return [outcome.release, result, `${passed}/${planned}`, String(outcome.crashes.length), `${time.toFixed(1)} s`];
}
