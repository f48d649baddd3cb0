// A step still running at the guest run's time limit says the limit and how to raise it.
import { describe, expect, it } from "vitest";
import { adviseOnTimeLimit } from "../../src/vm/time-limit.js";
import type { VmResult } from "../../src/vm/report.js";

describe("time limit", () => {
  it("tells a step that ran into the limit how to raise it, and leaves other endings alone", () => {
    const result = { end: "module-init-hang", hint: "see the init function" } as VmResult;
    expect(adviseOnTimeLimit(result, { seconds: 180, source: "the default for a debug kernel" }).hint).toBe(
      "see the init function; the run's time limit was 180 s (the default for a debug kernel); if the step is only slow " +
        "(a debug kernel, a large module to send into the guest), give it more with --timeout 360",
    );
    const panic = { end: "panic" } as VmResult;
    expect(adviseOnTimeLimit(panic, { seconds: 60, source: "the default" })).toBe(panic);
  });
});
