// Pure: the terminal lines for each `kforge watch` event (the --json stream carries the same events).
import type { Diagnostic } from "../kbuild/parse-output.js";
import type { WatchEvent } from "../watch/events.js";
import type { Palette } from "./color.js";
import { formatCoverage } from "./coverage-summary.js";
import { formatArtifacts } from "./artifacts-summary.js";
import { formatDiagnostics, type SourceLines } from "./diagnostics.js";
import { formatCrash, formatStep } from "./vm-report.js";
import { showControls, showLine } from "../text/visible-text.js";

// g (gcov) prints the last cycle's coverage: c already clears the screen.
export const keysLine = (coverage: boolean): string =>
  `keys: r/Enter rebuild and reload · t rerun tests${coverage ? " · g coverage" : ""} · c clear · q quit`;

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export function formatWatchEvent(
  event: WatchEvent,
  palette: Palette,
  sources: (diagnostics: Diagnostic[]) => SourceLines,
): string | undefined {
  switch (event.event) {
    case "ready":
      return palette.dim(`watching ${event.dir} for kernel ${event.release} (${event.mode}${event.accel ? `, ${event.accel}` : ""})`);
    case "change":
      return palette.dim(`changed: ${event.paths.join(", ")}`);
    case "build-start":
      return palette.dim("building...");
    case "build-end": {
      const diagnostics = event.diagnostics as Diagnostic[];
      const shown = diagnostics.length ? `\n${formatDiagnostics(diagnostics, palette, sources(diagnostics))}` : "";
      const status = event.ok
        ? palette.green(
            event.upToDate ? "modules up to date" : `built in ${seconds(event.durationMs)}${event.path === "fast" ? " (fast path)" : ""}`,
          )
        : palette.red(`build failed; full log: ${event.log}`);
      return `${status}${shown}${event.ok ? "" : "\nthe last good modules stay loaded; waiting for the next change"}`;
    }
    case "unload":
    case "load": {
      const verb = event.event === "load" ? "loaded" : "unloaded";
      const status = event.ok ? palette.green(`${verb} ${event.module}`) : palette.red(`${event.event} of ${event.module} failed`);
      const diagnosis =
        event.event === "load" && event.diagnosis
          ? `\n  ${showControls(`${event.diagnosis.title}: ${event.diagnosis.detail}\n  hint: ${event.diagnosis.hint}`)}`
          : "";
      return `${status}${event.ok || !event.output ? "" : `: ${showControls(event.output.trim())}`}${diagnosis}`;
    }
    case "test":
      return formatStep(event.step, palette).join("\n");
    case "kernel-log": {
      const lines = event.lines.map((line) => `  | ${showLine(line)}`);
      if (event.dropped) lines.push(palette.dim(`  | ... ${event.dropped} lines dropped (the console log has them: ${event.consoleLog})`));
      for (const { line, explanation } of event.explanations) lines.push(palette.dim(`  ^ ${showLine(line.slice(0, 60))}: ${explanation}`));
      return lines.join("\n");
    }
    case "crash":
      return [
        palette.red(`guest crashed: ${showControls(event.diagnosis)}`),
        ...(event.crash ? formatCrash(event.crash, palette) : []),
      ].join("\n");
    case "coverage": {
      const coverage = event.coverage;
      if (coverage.status !== "ok") return formatCoverage(coverage, palette).trimEnd();
      const { lines, functions, branches, percent } = coverage.totals;
      return (
        `coverage: lines ${lines.hit}/${lines.total} (${percent.toFixed(1)}%), functions ${functions.hit}/${functions.total}, ` +
        `branches ${branches.hit}/${branches.total}${palette.dim(" (g: per file and function)")}`
      );
    }
    case "artifacts":
      return formatArtifacts(event.artifacts, palette).trimEnd();
    case "guest-restart":
      return palette.dim(`booted a fresh guest in ${seconds(event.bootMs)}; waiting for the next change`);
    case "error":
      return palette.red(showControls(`error: ${event.message}${event.hint ? `\nhint: ${event.hint}` : ""}`));
  }
}
