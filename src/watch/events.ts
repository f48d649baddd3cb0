// The events `kforge watch` emits, one per line with --json (a stable interface for editors and
// scripts, documented in docs/watch.md); the terminal renderer formats the same events.
import type { CoverageResult } from "../coverage/model.js";
import type { Diagnostic } from "../kbuild/parse-output.js";
import type { VmResult, StepResult } from "../vm/report.js";
import type { ArtifactsResult } from "../vm/artifacts/result.js";

export type JsonCrash = VmResult["crashes"][number];

export type WatchEventBody =
  | { event: "ready"; mode: "vm" | "host"; release: string; dir: string; accel?: string; start?: "booted" | "restored"; watching: string[] }
  | { event: "change"; paths: string[] }
  | { event: "build-start"; reason: "start" | "change" | "key" }
  // path: how the modules were rebuilt (fast: kbuild's recorded commands rerun; fallback: why make ran).
  | {
      event: "build-end";
      ok: boolean;
      upToDate: boolean;
      path: "fast" | "make";
      fallback?: string;
      durationMs: number;
      log: string;
      diagnostics: JsonDiagnostic[];
    }
  | { event: "unload"; module: string; ok: boolean; output: string }
  | { event: "load"; module: string; ok: boolean; output: string; diagnosis?: StepResult["diagnosis"] }
  | { event: "test"; step: StepResult }
  // dropped: lines beyond what kforge keeps of one step (a module flooding the log), which the console log has.
  | { event: "kernel-log"; lines: string[]; dropped?: number; consoleLog?: string; explanations: { line: string; explanation: string }[] }
  | { event: "crash"; crash?: JsonCrash; diagnosis: string }
  // --coverage: the cycle's coverage, after its tests.
  | { event: "coverage"; coverage: CoverageResult }
  // --vm: the files the cycle's tests wrote under $KFORGE_ARTIFACTS, copied back (only when there were any).
  | { event: "artifacts"; artifacts: ArtifactsResult }
  | { event: "guest-restart"; reason: string; bootMs: number; start?: "booted" | "restored" }
  | { event: "error"; message: string; hint: string | null };

export type WatchEvent = WatchEventBody & { time: string };

export type JsonDiagnostic = Pick<Diagnostic, "severity" | "file" | "line" | "column" | "message" | "flag"> & { hint: string | null };

// The `kforge build --json` shape of a diagnostic.
export function toJsonDiagnostic({ severity, file, line, column, message, flag, hint }: Diagnostic): JsonDiagnostic {
  return { severity, file, line, column, message, flag, hint: hint ?? null };
}
