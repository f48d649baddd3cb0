// Artifacts in a guest run: the host dir emptied of the last run's files before the guest starts,
// the files the steps wrote under $KFORGE_ARTIFACTS copied back after the test steps (before the
// unloads, as coverage's counters are), and the result saying what came back (artifacts/result.ts).
import type { ArtifactsCollection } from "./artifacts/collect.js";
import { collectArtifacts, type GuestCommand } from "./artifacts/collect.js";
import { clearArtifactsDir } from "./artifacts/host-dir.js";
import { type ArtifactsResult, toArtifactsResult } from "./artifacts/result.js";
import type { VmResult } from "./report.js";
import type { BeforeUnload } from "./step-runner.js";

export interface ArtifactsRun {
  beforeUnload: BeforeUnload;
  finish(result: VmResult): ArtifactsResult;
}

export async function prepareArtifactsRun(input: { release: string; dir: string }): Promise<ArtifactsRun> {
  await clearArtifactsDir(input.dir);
  let collected: ArtifactsCollection | undefined;
  return {
    async beforeUnload(session, context) {
      const runCommand: GuestCommand = async (command, timeoutMs) => {
        const outcome = await session.run(command, { timeoutMs });
        return outcome.status === "done" ? outcome : { stopped: outcome.status };
      };
      collected = await collectArtifacts(runCommand, input.dir, { timeoutMs: context.timeoutMs });
    },
    finish: (result) => toArtifactsResult(input, collected, result),
  };
}
