// The human report of one kernel's `kforge test` run: the guest report as `kforge vm` prints it, or
// the build's diagnostics, or the error that stopped it. Skipped kernels are in the summary table.
import { isSkipped, type KernelTestOutcome } from "../report/test-outcome.js";
import { createPalette } from "./color.js";
import { formatDiagnostics, loadSourceLines } from "./diagnostics.js";
import type { OutputStream } from "./output-stream.js";
import { formatVmReport } from "./vm-report.js";

export function printTestOutcome(
  outcome: KernelTestOutcome,
  dir: string,
  several: boolean,
  context: { stdout: OutputStream; stderr: OutputStream },
): void {
  if (isSkipped(outcome)) return;
  const heading = several ? `\n${outcome.release}:\n` : "";
  if ("build" in outcome) {
    const palette = createPalette(context.stderr as NodeJS.WriteStream);
    const diagnostics = formatDiagnostics(outcome.build.diagnostics, palette, loadSourceLines(dir, outcome.build.diagnostics));
    context.stderr.write(`${heading}${diagnostics}\nbuild failed for ${outcome.release}, nothing booted; full log: ${outcome.build.log}\n`);
  } else if ("error" in outcome) {
    context.stderr.write(`${heading}kforge: ${outcome.error.message}\n${outcome.error.hint ? `  hint: ${outcome.error.hint}\n` : ""}`);
  } else {
    context.stdout.write(`${heading}${formatVmReport(outcome, createPalette(context.stdout as NodeJS.WriteStream))}`);
  }
}
