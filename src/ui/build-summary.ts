// The human summary of a build result: what was built (module, path, size, vermagic) or why not.
import { basename, relative } from "node:path";
import type { KernelBuildResult } from "../kbuild/build-modules.js";
import type { Palette } from "./color.js";

export function formatBuildSummary(result: KernelBuildResult, options: { dir: string; werror?: boolean; palette: Palette }): string {
  const { palette } = options;
  const seconds = `${(result.durationMs / 1000).toFixed(2)} s`;
  if (result.interrupted)
    return `${palette.yellow("interrupted")}: build for ${result.release} stopped, nothing reported as built (log: ${result.log})\n`;
  const counts = countDiagnostics(result);
  if (!result.ok) {
    const reason =
      options.werror && counts.errors === 0 && counts.warnings > 0
        ? `${plural(counts.warnings, "warning")} with --werror`
        : describeCounts(counts);
    return `${palette.red("build failed")} for ${result.release} (${reason}, ${seconds})\nfull log: ${result.log}\n`;
  }
  const headline = result.upToDate
    ? `${palette.green("up to date")} for ${result.release} (nothing changed since the last build; --force rebuilds)`
    : `${palette.green("built")} for ${result.release} ` +
      `in ${seconds}${counts.warnings > 0 ? ` with ${plural(counts.warnings, "warning")}` : ""}`;
  const rows = result.artifacts.map((artifact) => [
    artifact.module,
    displayPath(artifact.path, options.dir),
    formatSize(artifact.size),
    artifact.vermagic ?? "(no vermagic)",
  ]);
  return `${headline}\n${formatTable(rows, palette)}`;
}

function countDiagnostics(result: KernelBuildResult): { errors: number; warnings: number } {
  return {
    errors: result.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length,
    warnings: result.diagnostics.filter((diagnostic) => diagnostic.severity === "warning").length,
  };
}

function describeCounts(counts: { errors: number; warnings: number }): string {
  const parts = [plural(counts.errors, "error")];
  if (counts.warnings > 0) parts.push(plural(counts.warnings, "warning"));
  return parts.join(", ");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function displayPath(path: string, dir: string): string {
  const inside = relative(dir, path);
  return inside.startsWith("..") ? path : inside;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function formatTable(rows: string[][], palette: Palette): string {
  const widths = rows.reduce<number[]>((max, row) => row.map((cell, index) => Math.max(max[index] ?? 0, cell.length)), []);
  return rows
    .map(
      (row) => `  ${row.map((cell, index) => (index === row.length - 1 ? palette.dim(cell) : cell.padEnd(widths[index]!))).join("  ")}\n`,
    )
    .join("");
}

// The one-line outcome of one kernel's build, as a progress row shows it.
export function describeOutcome(result: KernelBuildResult, dir: string): string {
  const name = basename(dir);
  if (result.interrupted) return `${name} for ${result.release}: interrupted`;
  if (!result.ok) return `${name} for ${result.release}: failed`;
  if (result.upToDate) return `${name} for ${result.release}: up to date`;
  return `built ${name} for ${result.release} (${result.artifacts.length} module${result.artifacts.length === 1 ? "" : "s"})`;
}
