// The result of a guest run, in the shape `kforge vm --json` prints.
import type { CoverageResult } from "../coverage/model.js";
import type { CrashReport } from "../kernel-log/crash.js";
import { taintLetters } from "../module/taint.js";
import type { StepKind } from "./plan.js";
import type { ArtifactsResult } from "./artifacts/result.js";

export interface StepResult {
  name: string;
  kind: StepKind;
  module?: string;
  ok: boolean;
  exitCode?: number;
  durationMs: number;
  output: string;
  kernelLog: string[];
  // Kernel log lines of the step beyond what kforge keeps (a module flooding the log); the console log has them.
  kernelLogDropped?: number;
  taint?: number;
  // Why a failed step failed, with what to do next.
  diagnosis?: { kind: string; title: string; detail: string; hint: string };
}

// A planned step that never ran, and why (an earlier load failed, the run ended early).
export interface SkippedStep {
  name: string;
  kind: StepKind;
  module?: string;
  reason: string;
  // With --keep-going: the failed load this step needed, directly or through another module.
  provider?: string;
}

export type RunEnd =
  | "completed"
  | "panic"
  | "boot-timeout"
  | "module-init-hang"
  | "step-timeout"
  | "guest-unresponsive"
  | "qemu-exited"
  // A cold guest's initramfs did not fit (or did not unpack): no step ran.
  | "initramfs-incomplete"
  | "interrupted";

export interface VmResult {
  ok: boolean;
  release: string;
  accel: "kvm" | "tcg";
  // Until the init script answered, or until the boot was given up.
  bootMs: number;
  // false when the guest never reached the init script: no step ran.
  booted: boolean;
  // Restored from a saved guest state, or booted (vm-fast-start.md).
  start: "booted" | "restored";
  steps: StepResult[];
  skipped: SkippedStep[];
  crashes: (Omit<CrashReport, "step"> & { step: string | null })[];
  // null where unknown: before when the guest never booted, after when the last step did not finish.
  taint: { before: number | null; after: number | null; letters: string | null; lettersBefore: string | null };
  end: RunEnd;
  // One-sentence diagnosis when the run did not complete, and what to do next.
  diagnosis?: string;
  hint?: string;
  kernelImage: string;
  bootEntry: "pvh" | "bzimage" | "image";
  consoleLog?: string;
  notices: string[];
  // The project's modules: how many were planned and loaded, which failed, which were skipped and why.
  modules: ModuleTally;
  // Set when a step ran after the kernel oopsed (taint D): its result came from a damaged kernel.
  taintedAfter?: string;
  // --coverage: the modules' line, function and branch coverage under the steps (docs/coverage.md).
  coverage?: CoverageResult;
  // The files the steps wrote under $KFORGE_ARTIFACTS, copied back to the host (vm/artifacts/).
  artifacts?: ArtifactsResult;
}

export interface ModuleTally {
  planned: number;
  loaded: number;
  failed: string[];
  skipped: { module: string; reason: string; provider?: string }[];
}

export function summarizeTaint(before: number | undefined, after: number | undefined): VmResult["taint"] {
  const letters = (value: number | undefined) => (value === undefined ? null : taintLetters(value));
  return { before: before ?? null, after: after ?? null, letters: letters(after), lettersBefore: letters(before) };
}

export function toJsonCrashes(reports: CrashReport[]): VmResult["crashes"] {
  return reports.map((report) => ({ ...report, step: report.step ?? null }));
}
