// The guest run's time limit: --timeout, else kforge.json, else 60 s, or 180 s on a debug kernel; a
// step still running at the limit says the limit and how to raise it.
import { describe, expect, it } from "vitest";
import { adviseOnTimeLimit, chooseTimeLimit } from "../../src/vm/time-limit.js";
import type { VmResult } from "../../src/vm/report.js";

describe("time limit", () => {
  it("defaults to 180 s for a debug kernel and 60 s otherwise; --timeout and vm.timeout win", () => {
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug" })).toEqual({ seconds: 180, source: "the default for a debug kernel" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug-0a1b2c3d" }).seconds).toBe(180);
    expect(chooseTimeLimit({ release: "6.1.0-850-amd64" })).toEqual({ seconds: 60, source: "the default" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug", config: 90 })).toEqual({ seconds: 90, source: "kforge.json vm.timeout" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug", flag: 30, config: 90 })).toEqual({ seconds: 30, source: "--timeout" });
  });

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
