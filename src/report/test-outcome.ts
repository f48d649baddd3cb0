// What `kforge test` reports for one kernel: the `kforge vm --json` object of its run, or why it did
// not run (the build failed, an error stopped it, or it was skipped: gates, no kernel image).
import type { Diagnostic } from "../kbuild/parse-output.js";
import type { VmResult } from "../vm/report.js";
import type { ProjectRunOutcome } from "../vm/run-project.js";

export type KernelTestOutcome =
  | VmResult
  | { ok: false; release: string; build: { ok: false; log: string; diagnostics: Diagnostic[] } }
  | { ok: false; release: string; error: { message: string; hint: string | null } }
  | { ok: true; release: string; skipped: true; reason: string };

export const isSkipped = (outcome: KernelTestOutcome): outcome is Extract<KernelTestOutcome, { skipped: true }> =>
  "skipped" in outcome && outcome.skipped === true;

// A guest run's outcome in this shape (the one `kforge vm --json` prints).
export function toTestOutcome(release: string, outcome: ProjectRunOutcome): KernelTestOutcome {
  if (outcome.kind === "done") return { ...outcome.result, release };
  if (outcome.kind === "build-failed") {
    const { log, diagnostics } = outcome.build;
    return { ok: false, release, build: { ok: false, log, diagnostics } };
  }
  return { ok: false, release, error: { message: "interrupted before its guest started", hint: null } };
}
