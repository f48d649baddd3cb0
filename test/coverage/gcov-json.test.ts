// gcov's JSON format as gcov-12 printed it for the two-function fixture module built against the
// 6.12 debug kernel, its counters copied from the guest after the fixture's three steps
// (test/fixtures/coverage/README.md): exact per-function and per-line counts, kernel headers left
// out, and a header included by two objects summed.
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { parseGcovJson, projectPath } from "../../src/coverage/gcov-json.js";

const fixture = (name: string) => new URL(`../fixtures/coverage/${name}`, import.meta.url);
const output = readFileSync(fixture("twofunc.gcov.json"), "utf8");
const captured = JSON.parse(output) as { files: { file: string }[] };
// The build dir the fixture was captured in: where gcov says twofunc.c was compiled.
const buildDir = dirname(captured.files.find((file) => file.file.endsWith("/twofunc.c"))!.file);
const filter = { buildDir, sources: new Set(["twofunc.c", "Kbuild", "kforge.json"]) };

describe("parseGcovJson", () => {
  it("gives the fixture's exact counts: add_value twice, its clamp once, reset_total never", () => {
    const [file, ...others] = parseGcovJson(output, filter);
    expect(others).toEqual([]);
    expect(file!.path).toBe("twofunc.c");
    expect(file!.functionList).toEqual([
      { name: "add_value", line: 10, calls: 2, lines: { hit: 8, total: 8 }, branches: { hit: 3, total: 4 } },
      { name: "reset_total", line: 23, calls: 0, lines: { hit: 0, total: 3 }, branches: { hit: 0, total: 0 } },
    ]);
    expect(file!.lineCounts).toEqual([
      { line: 10, count: 2 },
      { line: 12, count: 2 },
      { line: 13, count: 2 },
      { line: 15, count: 2, branches: [2, 0] },
      { line: 17, count: 2, branches: [1, 1] },
      { line: 18, count: 1 },
      { line: 19, count: 2 },
      { line: 20, count: 2 },
      { line: 23, count: 0 },
      { line: 25, count: 0 },
      { line: 26, count: 0 },
    ]);
    expect(file!.lines).toEqual({ hit: 8, total: 11 });
    expect(file!.functions).toEqual({ hit: 1, total: 2 });
    expect(file!.branches).toEqual({ hit: 3, total: 4 });
  });

  it("leaves out the kernel headers the module includes", () => {
    // This module's notes name only twofunc.c; a module with inline code from kernel headers has
    // entries like this one too (gcov names them relative to the kernel build dir it ran in).
    const header = { ...captured.files[0], file: "./include/linux/kernel.h" };
    const withHeader = JSON.stringify({ ...captured, files: [...captured.files, header] });
    expect(parseGcovJson(withHeader, filter).map((file) => file.path)).toEqual(["twofunc.c"]);
  });

  it("sums a source that two objects report (a shared header), and leaves out excluded sources", () => {
    const [twice] = parseGcovJson(`${output.trim()}\n${output.trim()}\n`, filter);
    expect(twice!.functionList.map((item) => item.calls)).toEqual([4, 0]);
    expect(twice!.lineCounts.find((line) => line.line === 17)).toEqual({ line: 17, count: 4, branches: [2, 2] });
    expect(parseGcovJson(output, { ...filter, excluded: new Set(["twofunc.c"]) })).toEqual([]);
  });
});

describe("projectPath", () => {
  it("names a source relative to the build dir, or as given when gcov names it relative (a prefix map)", () => {
    const sources = new Set(["a.c", "sub/b.h"]);
    expect(projectPath("/b/a.c", { buildDir: "/b", sources })).toBe("a.c");
    expect(projectPath("sub/b.h", { buildDir: "/b", sources })).toBe("sub/b.h");
    expect(projectPath("./include/linux/module.h", { buildDir: "/b", sources })).toBeUndefined();
    expect(projectPath("/src/include/linux/module.h", { buildDir: "/b", sources })).toBeUndefined();
    expect(projectPath("/b/../a.c", { buildDir: "/b", sources })).toBeUndefined();
  });
});
