// Pure: the events of a watch cycle's build and of a step's kernel log.
import { explainKernelLine } from "../kernel-log/explain.js";
import type { RebuildResult } from "../kbuild/fast-rebuild/rebuild.js";
import { toJsonDiagnostic, type WatchEventBody } from "./events.js";
import type { StepRun } from "./target.js";

// undefined when the step logged nothing.
export function kernelLogEvent(ran: StepRun, consoleLog: string | undefined): WatchEventBody | undefined {
  const { kernelLog: lines, kernelLogDropped: dropped } = ran.result;
  if (lines.length === 0) return undefined;
  const explanations = lines.flatMap((line) => {
    const explanation = explainKernelLine(line);
    return explanation ? [{ line, explanation }] : [];
  });
  return { event: "kernel-log", lines, ...(dropped ? { dropped, ...(consoleLog ? { consoleLog } : {}) } : {}), explanations };
}

export function buildEndEvent(build: RebuildResult): WatchEventBody {
  return {
    event: "build-end",
    ok: build.ok,
    upToDate: build.upToDate,
    path: build.path,
    ...(build.fallback ? { fallback: build.fallback } : {}),
    durationMs: Math.round(build.durationMs),
    log: build.log,
    diagnostics: build.diagnostics.map(toJsonDiagnostic),
  };
}
