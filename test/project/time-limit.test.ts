// The guest run's time limit: --timeout, else kforge.json, else 60 s, or 180 s on a debug kernel.
import { describe, expect, it } from "vitest";
import { chooseTimeLimit } from "../../src/project/time-limit.js";

describe("time limit", () => {
  it("defaults to 180 s for a debug kernel and 60 s otherwise; --timeout and vm.timeout win", () => {
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug" })).toEqual({ seconds: 180, source: "the default for a debug kernel" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug-0a1b2c3d" }).seconds).toBe(180);
    expect(chooseTimeLimit({ release: "6.1.0-850-amd64" })).toEqual({ seconds: 60, source: "the default" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug", config: 90 })).toEqual({ seconds: 90, source: "kforge.json vm.timeout" });
    expect(chooseTimeLimit({ release: "6.12.850-kforge-debug", flag: 30, config: 90 })).toEqual({ seconds: 30, source: "--timeout" });
  });
});
