// Coverage in a guest run: the counters of the project's modules are copied out after the test
// steps and before the unloads (an unloaded module's counters are only kept by gcov_persist), then
// read on the host against the build's notes (coverage/analyze.ts). A crash before the copy makes
// the coverage partial; a guest that died leaves none, and the result says why.
import { analyzeCoverage } from "../coverage/analyze.js";
import type { GcovTool } from "../coverage/gcov-tool.js";
import { dumpCountersCommand, parseCounterDump } from "../coverage/guest-counters.js";
import type { CoverageResult } from "../coverage/model.js";
import { listModuleObjects } from "../coverage/module-objects.js";
import { isKforgeError } from "../errors.js";
import type { CrashReport } from "../kernel-log/crash.js";
import type { VmResult } from "./report.js";
import type { BeforeUnload } from "./step-runner.js";

export interface CoverageRunInput {
  release: string;
  dir: string;
  buildDir: string;
  // The project's .ko files this run loads.
  modules: string[];
  // Sources left out of the report (KUnit suites).
  excluded: string[];
  gcov: GcovTool;
  signal?: AbortSignal;
}

export interface CoverageRun {
  beforeUnload: BeforeUnload;
  finish(result: VmResult): Promise<CoverageResult>;
}

export async function prepareCoverageRun(input: CoverageRunInput): Promise<CoverageRun> {
  const objects = await listModuleObjects(input.buildDir, input.modules);
  let counters: Map<string, Buffer> | undefined;
  let failure: string | undefined;
  let partialReason: string | undefined;
  return {
    async beforeUnload(session, context) {
      partialReason = describeCrash(context.crashes);
      const outcome = await session.run(dumpCountersCommand(input.buildDir), { timeoutMs: context.timeoutMs });
      if (outcome.status !== "done") failure = `copying the counters out of the guest did not finish (${outcome.status})`;
      else if (outcome.exitCode !== 0) failure = outcome.output.trim() || `copying the counters failed with exit code ${outcome.exitCode}`;
      else counters = parseCounterDump(outcome.output, new Set(objects));
    },
    async finish(result) {
      const notCollected = (reason: string): CoverageResult => ({ status: "not-collected", release: input.release, reason });
      if (failure) return notCollected(failure);
      if (!counters) {
        const why = result.diagnosis ?? `the run ended (${result.end})`;
        return notCollected(`${why}, before the counters were copied out of the guest`);
      }
      try {
        const analyzed = await analyzeCoverage({ ...input, objects, counters });
        const partial = partialReason ? { partial: true, partialReason } : { partial: false };
        return { status: "ok", release: input.release, dir: input.dir, ...partial, ...analyzed };
      } catch (error) {
        if (!isKforgeError(error) || error.exitCode !== 2) throw error;
        return { status: "refused", release: input.release, reason: error.message, ...(error.hint ? { hint: error.hint } : {}) };
      }
    },
  };
}

// A crash other than a warning stops the code under test where it happened: later lines never ran.
function describeCrash(crashes: readonly CrashReport[]): string | undefined {
  const crash = crashes.find((report) => report.kind !== "warning");
  if (!crash) return undefined;
  return `the kernel reported ${crash.title}${crash.step ? ` during "${crash.step}"` : ""}; the counters stop where it stopped the code`;
}
