// A finished build for one or several kernels as the user reads it: diagnostics with source lines and
// the summary (one kernel) or the kernel × module table (several); and the --json object.
import type { KernelBuildResult } from "../kbuild/build-modules.js";
import { type SkippedKernel, skippedJson } from "../project/gates.js";
import { formatBuildSummary } from "./build-summary.js";
import { createPalette } from "./color.js";
import { formatDiagnostics, loadSourceLines } from "./diagnostics.js";
import { formatMatrixSummary } from "./matrix-summary.js";
import type { OutputStream } from "./output-stream.js";

export interface PrintOptions {
  dir: string;
  several: boolean;
  llvm?: boolean;
  werror?: boolean;
}

export function printBuildResults(
  results: readonly KernelBuildResult[],
  skipped: readonly SkippedKernel[],
  options: PrintOptions,
  streams: { stdout: OutputStream; stderr: OutputStream },
): void {
  const palette = createPalette(streams.stderr as NodeJS.WriteStream);
  // clang counts columns in bytes, gcc in displayed characters.
  const columnUnit = options.llvm ? "byte" : "display";
  for (const result of results.filter((candidate) => candidate.diagnostics.length > 0)) {
    const heading = options.several ? `\n${result.release}:\n` : "\n";
    const text = formatDiagnostics(result.diagnostics, palette, loadSourceLines(options.dir, result.diagnostics), { columnUnit });
    streams.stderr.write(`${heading}${text}\n`);
    if (options.several && !result.ok) streams.stderr.write(`full log: ${result.log}\n`);
  }
  const ok = results.every((result) => result.ok);
  const stream = ok ? streams.stdout : streams.stderr;
  if (options.several) stream.write(`\n${formatMatrixSummary(results, palette, skipped)}`);
  else for (const result of results) stream.write(formatBuildSummary(result, { dir: options.dir, werror: options.werror, palette }));
}

// The --json shape: {"ok", "kernels": [...]}; later issues add fields, never remove or rename them.
export function buildJson(results: readonly KernelBuildResult[], skipped: readonly SkippedKernel[] = []): unknown {
  return {
    ok: results.every((result) => result.ok),
    kernels: [
      ...results.map((result) => ({
        release: result.release,
        kdir: result.kdir,
        ok: result.ok,
        durationMs: result.durationMs,
        artifacts: result.artifacts.map(({ module, path, size, vermagic }) => ({ module, path, size, vermagic })),
        diagnostics: result.diagnostics.map(({ severity, file, line, column, message, flag, hint, includedFrom, notes }) => ({
          severity,
          file,
          line,
          column,
          message,
          flag,
          hint: hint ?? null,
          includedFrom: includedFrom ?? [],
          notes: notes ?? [],
        })),
        log: result.log,
        upToDate: result.upToDate,
        interrupted: result.interrupted,
      })),
      ...skipped.map(skippedJson),
    ],
  };
}
