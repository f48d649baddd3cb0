// Pure: what a run says about the files that came back from the guest (`kforge vm --json`'s
// `artifacts`). Copied after a step failed or the kernel reported a crash, they are marked partial:
// the steps may not have written everything they meant to.
import type { VmResult } from "../report.js";
import { ARTIFACTS_LIMIT_BYTES, type ArtifactsCollection } from "./collect.js";

export type ArtifactsResult = {
  release: string;
  // The host dir they were copied into (absolute).
  dir: string;
  limitBytes: number;
} & (
  | ({ status: "collected"; partial: boolean; partialReason?: string } & Omit<ArtifactsCollection, "stopped">)
  // The run ended (the guest died, a step hung, Ctrl-C) before the copy started.
  | { status: "not-collected"; reason: string }
);

type RunFacts = Pick<VmResult, "steps" | "crashes" | "end" | "diagnosis">;

export function toArtifactsResult(
  input: { release: string; dir: string },
  collected: ArtifactsCollection | undefined,
  run: RunFacts,
): ArtifactsResult {
  const base = { release: input.release, dir: input.dir, limitBytes: ARTIFACTS_LIMIT_BYTES };
  if (!collected) return { ...base, status: "not-collected", reason: `${run.diagnosis ?? `the run ended (${run.end})`}, before the copy` };
  const { stopped, ...copied } = collected;
  const partialReason = stopped ? `the copy stopped: ${stopped}` : describeTrouble(run);
  return { ...base, status: "collected", ...copied, partial: partialReason !== undefined, ...(partialReason ? { partialReason } : {}) };
}

function describeTrouble(run: RunFacts): string | undefined {
  const crash = run.crashes.find((report) => report.kind !== "warning");
  if (crash) return `the kernel reported ${crash.title}${crash.step ? ` during "${crash.step}"` : ""}`;
  const failed = run.steps.find((step) => step.kind === "exec" && !step.ok);
  return failed ? `"${failed.name}" failed` : undefined;
}
