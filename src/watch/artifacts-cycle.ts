// watch --vm: after each cycle's tests (and after a `t` rerun) the files the tests wrote under
// $KFORGE_ARTIFACTS come back into the same host dir `kforge vm` uses, replacing the previous
// cycle's (vm/artifacts/). The guest stays up, so its dir is emptied before the next cycle's tests,
// when the last listing found anything there. A cycle whose guest crashed brings nothing back: the
// guest is replaced before anything could be copied.
import { clearArtifactsDir } from "../vm/artifacts/host-dir.js";
import { collectArtifacts, type GuestCommand } from "../vm/artifacts/collect.js";
import { type ArtifactsResult, toArtifactsResult } from "../vm/artifacts/result.js";
import { GUEST_ARTIFACTS_DIR } from "../vm/guest/init-script.js";
import type { StepResult } from "../vm/report.js";
import type { StepRun, WatchTarget } from "./target.js";

export class CycleArtifacts {
  private guestDirUsed = false;

  constructor(
    private readonly target: WatchTarget,
    private readonly where: { release: string; dir: string },
    private readonly timeoutMs: number,
  ) {}

  // A fresh guest has an empty dir.
  forgetGuest(): void {
    this.guestDirUsed = false;
  }

  // Empties the guest's dir before a cycle's tests; undefined when there was nothing to empty.
  async beforeTests(): Promise<StepRun | undefined> {
    if (!this.guestDirUsed) return undefined;
    this.guestDirUsed = false;
    const command = `rm -rf ${GUEST_ARTIFACTS_DIR} && mkdir -p ${GUEST_ARTIFACTS_DIR}`;
    return this.target.run({ name: "empty $KFORGE_ARTIFACTS", kind: "exec", command });
  }

  // The copy after the tests; `fatal` when the guest died during it (the loop restarts it). The
  // result is undefined when the tests wrote nothing.
  async collect(tests: StepResult[]): Promise<{ fatal?: StepRun; result?: ArtifactsResult }> {
    let fatal: StepRun | undefined;
    const runCommand: GuestCommand = async (command) => {
      const ran = await this.target.run({ name: "copy artifacts", kind: "exec", command });
      if (!ran.fatal) return { exitCode: ran.result.exitCode ?? 255, output: ran.result.output };
      fatal = ran;
      return { stopped: ran.fatal.diagnosis };
    };
    await clearArtifactsDir(this.where.dir);
    const collected = await collectArtifacts(runCommand, this.where.dir, { timeoutMs: this.timeoutMs });
    this.guestDirUsed = collected.listed > 0;
    const result = toArtifactsResult(this.where, collected, { steps: tests, crashes: [], end: "completed" });
    const worthShowing = result.status === "collected" && (result.files.length > 0 || result.refused.length > 0 || result.partial);
    return { ...(fatal ? { fatal } : {}), ...(worthShowing ? { result } : {}) };
  }
}
