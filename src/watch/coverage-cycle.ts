// watch --coverage in the guest that stays up: each cycle zeroes the gcov counters before its loads
// (or before the tests of a `t` rerun), copies them out after its tests, and reads them against the
// build's notes, so the coverage is that of the last cycle; modules that stayed loaded count only
// what the cycle's tests ran in them.
import { analyzeCoverage } from "../coverage/analyze.js";
import type { GcovTool } from "../coverage/gcov-tool.js";
import { dumpCountersCommand, parseCounterDump, RESET_COUNTERS_COMMAND } from "../coverage/guest-counters.js";
import type { CoverageResult } from "../coverage/model.js";
import { listModuleObjects } from "../coverage/module-objects.js";
import { isKforgeError } from "../errors.js";
import { findKunitSources } from "../kbuild/kunit-suites.js";
import type { StepRun, WatchTarget } from "./target.js";

export interface WatchCoverageOptions {
  gcov: GcovTool;
  // Writes the report files; called with every cycle's result.
  onResult?: (result: CoverageResult) => Promise<void>;
}

export interface CoverageScope {
  release: string;
  dir: string;
  buildDir: string;
  // The project's .ko files the cycle loads.
  modules: string[];
}

export const resetCounters = (target: WatchTarget): Promise<StepRun> =>
  target.run({ name: "reset coverage counters", kind: "exec", command: RESET_COUNTERS_COMMAND });

// The cycle's coverage, or undefined when the guest died copying it (the step says so).
export async function collectCycleCoverage(
  target: WatchTarget,
  scope: CoverageScope,
  options: WatchCoverageOptions,
): Promise<{ ran: StepRun; result?: CoverageResult }> {
  const ran = await target.run({ name: "copy coverage counters", kind: "exec", command: dumpCountersCommand(scope.buildDir) });
  if (ran.fatal) return { ran };
  if (!ran.result.ok) return { ran, result: { status: "not-collected", release: scope.release, reason: ran.result.output.trim() } };
  try {
    const objects = await listModuleObjects(scope.buildDir, scope.modules);
    const counters = parseCounterDump(ran.result.output, new Set(objects));
    const excluded = await findKunitSources(scope.dir);
    const analyzed = await analyzeCoverage({ ...scope, objects, counters, excluded, gcov: options.gcov });
    const result: CoverageResult = { status: "ok", release: scope.release, dir: scope.dir, partial: false, ...analyzed };
    await options.onResult?.(result);
    return { ran, result };
  } catch (error) {
    if (!isKforgeError(error) || error.exitCode !== 2) throw error;
    return {
      ran,
      result: { status: "refused", release: scope.release, reason: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    };
  }
}
