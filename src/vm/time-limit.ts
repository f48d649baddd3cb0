// A run that ends at its time limit (project/time-limit.ts) says what the limit was and how to raise it.
import type { TimeLimit } from "../project/time-limit.js";
import type { VmResult } from "./report.js";

const AT_THE_LIMIT: VmResult["end"][] = ["module-init-hang", "step-timeout"];

// A step that was still running at the limit may be stuck, or only slow: the hint says which limit it met.
export function adviseOnTimeLimit(result: VmResult, limit: TimeLimit): VmResult {
  if (!AT_THE_LIMIT.includes(result.end)) return result;
  const advice =
    `the run's time limit was ${limit.seconds} s (${limit.source}); if the step is only slow (a debug ` +
    `kernel, a large module to send into the guest), give it more with --timeout ${limit.seconds * 2}`;
  return { ...result, hint: result.hint ? `${result.hint}; ${advice}` : advice };
}
