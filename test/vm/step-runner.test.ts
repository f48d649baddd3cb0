import { describe, expect, it } from "vitest";
import { ConsoleMonitor } from "../../src/vm/guest/console-monitor.js";
import { describeUnfinished } from "../../src/vm/step-runner.js";

describe("describeUnfinished", () => {
  it("names a panic only when the guest died of it, not when a module printed a panic line", () => {
    const monitor = new ConsoleMonitor();
    monitor.feed("[    1.0] Kernel panic - not syncing: forged by hostile");
    const step = { name: "sh ./slow.sh", kind: "exec" as const, command: "sh ./slow.sh" };
    expect(describeUnfinished(step, { status: "timeout", silentMs: 100, durationMs: 60_000 }, monitor)).toEqual({
      end: "step-timeout",
      diagnosis: '"sh ./slow.sh" was still running after 60.0 s (the guest stayed responsive)',
    });
    expect(describeUnfinished(step, { status: "closed", durationMs: 900 }, monitor)).toEqual({
      end: "panic",
      diagnosis: 'the kernel panicked during "sh ./slow.sh": Kernel panic - not syncing: forged by hostile',
    });
  });
});
