import { describe, expect, it } from "vitest";
import { parseSparseOutput } from "../../src/check/parse-sparse.js";
import { readFixture } from "../helpers/fixtures.js";

describe("parseSparseOutput", () => {
  it.each(["6.1", "6.12"])("reads a real sparse pass through kbuild on %s, joining the expected/got lines to their warning", (kernel) => {
    const { findings, otherLines } = parseSparseOutput(readFixture(`check/sparse-${kernel}.txt`), "/tmp/ck/noisy");
    expect(findings.map((finding) => [finding.file, finding.line, finding.column, finding.severity, finding.message])).toEqual([
      [
        "noisy-main.c",
        10,
        43,
        "warning",
        "incorrect type in argument 1 (different address spaces); expected void [noderef] __user *to; got int *from",
      ],
      [
        "noisy-main.c",
        10,
        49,
        "warning",
        "incorrect type in argument 2 (different address spaces); expected void const *from; got int [noderef] __user *to",
      ],
    ]);
    // Both arguments break the same rule.
    expect(new Set(findings.map((finding) => finding.rule))).toEqual(new Set(["incorrect-type-in-argument-different-address-spaces"]));
    expect(otherLines).toEqual([]);
  });

  it("keeps paths outside the tree absolute and what is neither a finding nor make's chatter for the error", () => {
    const { findings, otherLines } = parseSparseOutput(
      [
        "  CHECK   /m/a.c",
        "/usr/src/linux/include/linux/x.h:4:1: error: bad constant expression",
        "sparse: internal error: out of memory",
        "make[2]: *** [scripts/Makefile.build:244: /m/a.o] Error 1",
      ].join("\n"),
      "/m",
    );
    expect(findings.map((finding) => [finding.file, finding.severity, finding.rule])).toEqual([
      ["/usr/src/linux/include/linux/x.h", "error", "bad-constant-expression"],
    ]);
    expect(otherLines).toEqual(["sparse: internal error: out of memory", "make[2]: *** [scripts/Makefile.build:244: /m/a.o] Error 1"]);
  });
});
