// The result of a guest run, in the shape `kforge vm --json` prints.
import type { CrashReport } from "../kernel-log/crash.js";
import { taintLetters } from "../module/taint.js";
import type { StepKind } from "./vm-plan.js";

export interface StepResult {
  name: string;
  kind: StepKind;
  module?: string;
  ok: boolean;
  exitCode?: number;
  durationMs: number;
  output: string;
  kernelLog: string[];
  taint?: number;
  // Why a failed step failed, with what to do next.
  diagnosis?: { kind: string; title: string; detail: string; hint: string };
}

export type RunEnd =
  | "completed"
  | "panic"
  | "boot-timeout"
  | "module-init-hang"
  | "step-timeout"
  | "guest-unresponsive"
  | "qemu-exited"
  | "interrupted";

export interface VmResult {
  ok: boolean;
  release: string;
  accel: "kvm" | "tcg";
  bootMs: number;
  steps: StepResult[];
  crashes: (Omit<CrashReport, "step"> & { step: string | null })[];
  taint: { before: number; after: number; letters: string; lettersBefore: string };
  end: RunEnd;
  // One-sentence diagnosis when the run did not complete.
  diagnosis?: string;
  kernelImage: string;
  bootEntry: "pvh" | "bzimage";
  consoleLog?: string;
  notices: string[];
}

export function summarizeTaint(before: number, after: number): VmResult["taint"] {
  return { before, after, letters: taintLetters(after), lettersBefore: taintLetters(before) };
}

export function toJsonCrashes(reports: CrashReport[]): VmResult["crashes"] {
  return reports.map((report) => ({ ...report, step: report.step ?? null }));
}
