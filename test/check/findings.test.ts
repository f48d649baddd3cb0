import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/check/checkers.js";
import { sortFindings } from "../../src/check/findings.js";

const finding = (overrides: Partial<Finding>): Finding => ({
  checker: "sparse",
  rule: "r",
  message: "m",
  severity: "warning",
  file: "a.c",
  line: 1,
  column: 1,
  flag: null,
  origin: "sparse",
  ...overrides,
});

describe("sortFindings", () => {
  it("counts files outside the module dir, drops ignored rules and repeats, converts display columns, orders by place", () => {
    const lines = new Map([["a.c", ["\treturn *address;", "x"]]]);
    const sorted = sortFindings(
      [
        finding({ file: "b.c", line: 2, checker: "checkpatch", rule: "SPACING", column: null }),
        finding({ line: 1, column: 17, message: "dereference of noderef expression" }),
        finding({ line: 1, column: 17, message: "dereference of noderef expression" }),
        finding({ file: "/usr/src/linux-headers/include/linux/x.h" }),
        finding({ file: "../elsewhere.h" }),
        finding({ checker: "w1", rule: "-Wunused-variable", line: 2 }),
        finding({ checker: "coccinelle", rule: "api/memdup", line: 1, column: 3 }),
      ],
      { w1: ["unused-variable"] },
      (file) => lines.get(file),
    );
    expect(sorted.findings.map((item) => [item.file, item.line, item.column, item.checker])).toEqual([
      ["a.c", 1, 3, "coccinelle"],
      ["a.c", 1, 10, "sparse"],
      ["b.c", 2, null, "checkpatch"],
    ]);
    expect(sorted.outside).toBe(2);
    expect(sorted.ignored).toEqual({ w1: 1 });
  });
});
