import { describe, expect, it } from "vitest";
import { MAX_TIMEOUT_SECONDS, toTimeoutMs } from "../../src/project/timeout.js";

describe("toTimeoutMs", () => {
  it("takes what Node's timers can hold and refuses the rest, naming where it came from", () => {
    expect(toTimeoutMs(60, "--timeout")).toBe(60_000);
    expect(toTimeoutMs(MAX_TIMEOUT_SECONDS, "--timeout")).toBeLessThanOrEqual(2 ** 31 - 1);
    expect(() => toTimeoutMs(3_000_000, "--timeout")).toThrow(/--timeout 3000000 is longer than kforge can wait: at most 2147483 seconds/);
    expect(() => toTimeoutMs(MAX_TIMEOUT_SECONDS + 1, "kforge.json vm.timeout")).toThrow(/kforge.json vm.timeout/);
  });
});
