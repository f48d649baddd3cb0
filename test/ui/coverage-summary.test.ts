// The human coverage report and watch's coverage line, from a report in the shape the fixture module
// gives (test/coverage/gcov-json.test.ts checks those counts against gcov's real output).
import { describe, expect, it } from "vitest";
import { type CoverageResult, sumTotals, tallyFile } from "../../src/coverage/model.js";
import type { Palette } from "../../src/ui/color.js";
import { formatCoverage, linesNotRun } from "../../src/ui/coverage-summary.js";
import { formatWatchEvent, keysLine } from "../../src/ui/watch-output.js";

const plain: Palette = { red: (t) => t, yellow: (t) => t, green: (t) => t, cyan: (t) => t, dim: (t) => t, bold: (t) => t };
const file = tallyFile(
  "twofunc.c",
  [
    { line: 10, count: 2 },
    { line: 15, count: 2, branches: [2, 0] },
    { line: 16, count: 0 },
    { line: 18, count: 1 },
    { line: 23, count: 0 },
    { line: 25, count: 0 },
  ],
  [
    { name: "add_value", line: 10, calls: 2, lines: { hit: 3, total: 4 }, branches: { hit: 1, total: 2 } },
    { name: "reset_total", line: 23, calls: 0, lines: { hit: 0, total: 2 }, branches: { hit: 0, total: 0 } },
  ],
);
const ok: CoverageResult = {
  status: "ok",
  release: "r1",
  dir: "/m",
  partial: false,
  files: [file],
  totals: sumTotals([file]),
  reports: { lcov: "/m/.kforge/coverage/r1/lcov.info", cobertura: "/elsewhere/cobertura.xml" },
};

describe("formatCoverage", () => {
  it("prints totals, each file, each function with its calls, the lines not run and the report files", () => {
    expect(formatCoverage(ok, plain, "/m")).toBe(
      [
        "coverage on r1: lines 3/6 (50.0%), functions 1/2, branches 1/2",
        "  twofunc.c  lines 3/6 (50.0%), functions 1/2, branches 1/2",
        "    add_value    line 10    called 2       lines 3/4   branches 1/2",
        "    reset_total  line 23    not called     lines 0/2",
        "    lines not run: 16, 23-25",
        "  reports: .kforge/coverage/r1/lcov.info, /elsewhere/cobertura.xml",
        "",
      ].join("\n"),
    );
  });

  it("says when coverage is partial, not collected or refused", () => {
    expect(formatCoverage({ ...ok, partial: true, partialReason: "the kernel reported X" }, plain)).toContain(
      "\n  partial: the kernel reported X\n",
    );
    expect(formatCoverage({ status: "not-collected", release: "r1", reason: "the kernel panicked" }, plain)).toBe(
      "coverage on r1: not collected: the kernel panicked\n",
    );
    expect(formatCoverage({ status: "refused", release: "r1", reason: "stamps differ", hint: "rerun" }, plain)).toBe(
      "coverage on r1: refused: stamps differ\n  hint: rerun\n",
    );
  });
});

describe("linesNotRun", () => {
  it("joins not-run lines with no run line between them into ranges", () => {
    expect(linesNotRun(file)).toEqual(["16", "23-25"]);
  });
});

describe("watch", () => {
  it("lists g in the keys line only with --coverage, and prints each cycle's totals", () => {
    expect(keysLine(true)).toBe("keys: r/Enter rebuild and reload · t rerun tests · g coverage · c clear · q quit");
    expect(keysLine(false)).toBe("keys: r/Enter rebuild and reload · t rerun tests · c clear · q quit");
    const line = formatWatchEvent({ event: "coverage", coverage: ok, time: "" }, plain, () => new Map());
    expect(line).toBe("coverage: lines 3/6 (50.0%), functions 1/2, branches 1/2 (g: per file and function)");
  });
});
