import { describe, expect, it } from "vitest";
import { createPalette } from "../../src/ui/color.js";
import { formatCrash, formatStep } from "../../src/ui/vm-report.js";

const plain = createPalette({ isTTY: false } as NodeJS.WriteStream);

describe("formatStep and formatCrash", () => {
  it("show what the guest and the module wrote with control characters visible, and the lines dropped", () => {
    const lines = formatStep(
      {
        name: "insmod hostile",
        kind: "load",
        module: "hostile",
        ok: true,
        exitCode: 0,
        durationMs: 120,
        output: "\x1b]0;evil\x07\x1b[2Jafter\n",
        kernelLog: ["hostile: \x1b]0;retitled\x07cleared"],
        kernelLogDropped: 5000,
      },
      plain,
    );
    expect(lines.join("\n")).toBe(
      [
        "  ok   insmod hostile 0.12 s",
        "      \\x1b]0;evil\\x07\\x1b[2Jafter",
        "    | hostile: \\x1b]0;retitled\\x07cleared",
        "    | ... 5000 more lines in the console log (5000 lines dropped from memory)",
      ].join("\n"),
    );
    const crash = formatCrash(
      { kind: "bug", title: "BUG: \x1b[2J", step: "insmod hostile", log: ["BUG: \x1b[2J", "RIP: 0010:f+0x1/0x2 [\x1b]"] },
      plain,
    );
    expect(crash.join("\n")).not.toContain("\x1b");
    expect(crash.join("\n")).toContain("BUG: \\x1b[2J");
  });
});
