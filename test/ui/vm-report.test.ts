import { describe, expect, it } from "vitest";
import { createPalette } from "../../src/ui/color.js";
import { formatCrash, formatStep, formatVmReport } from "../../src/ui/vm-report.js";

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

describe("formatVmReport", () => {
  it("says that no step ran when a booted guest ran none (an initramfs that did not unpack whole)", () => {
    const report = formatVmReport(
      {
        ok: false,
        release: "r",
        accel: "tcg",
        bootMs: 5000,
        booted: true,
        start: "booted",
        steps: [],
        skipped: [{ name: "insmod blob1", kind: "load", module: "blob1", reason: "the initramfs did not unpack whole" }],
        crashes: [],
        taint: { before: 0, after: 0, letters: "", lettersBefore: "" },
        modules: { planned: 1, loaded: 0, failed: [], skipped: [{ module: "blob1", reason: "the initramfs did not unpack whole" }] },
        end: "initramfs-incomplete",
        diagnosis: "the 123 MiB initramfs did not fit in the guest's 256 MiB of memory",
        hint: "give the guest more memory: --memory 448",
        kernelImage: "vmlinuz",
        bootEntry: "pvh",
        notices: [],
      },
      plain,
    );
    expect(report).toContain("  skip insmod blob1 (the initramfs did not unpack whole)\n");
    expect(report).toContain("hint: give the guest more memory: --memory 448\n");
    expect(report).toContain("failed: no step ran, 1 skipped\n");
  });
});
