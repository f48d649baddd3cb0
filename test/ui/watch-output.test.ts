import { describe, expect, it } from "vitest";
import { createPalette } from "../../src/ui/color.js";
import { formatWatchEvent } from "../../src/ui/watch-output.js";

const plain = createPalette({ isTTY: false } as NodeJS.WriteStream);
const time = "2026-01-01T00:00:00.000Z";

describe("formatWatchEvent", () => {
  it("says how many kernel log lines were dropped and where they are, with the module's escapes visible", () => {
    const text = formatWatchEvent(
      {
        event: "kernel-log",
        lines: ["flood: \x1b[2Jline 0"],
        dropped: 48_000,
        consoleLog: "/p/.kforge/logs/r/watch-console.log",
        explanations: [],
        time,
      },
      plain,
      () => new Map(),
    );
    expect(text).toBe(
      "  | flood: \\x1b[2Jline 0\n  | ... 48000 lines dropped (the console log has them: /p/.kforge/logs/r/watch-console.log)",
    );
  });

  it("shows a failed unload's output and a crash's diagnosis without their control characters", () => {
    const unload = formatWatchEvent(
      { event: "unload", module: "m", ok: false, output: "rmmod: \x1b]0;x\x07busy\n", time },
      plain,
      () => new Map(),
    );
    expect(unload).toBe("unload of m failed: rmmod: \\x1b]0;x\\x07busy");
    const crash = formatWatchEvent({ event: "crash", diagnosis: "the kernel reported BUG: \x1b[31mred", time }, plain, () => new Map());
    expect(crash).toBe("guest crashed: the kernel reported BUG: \\x1b[31mred");
  });
});
