import { describe, expect, it } from "vitest";
import { parseCheckpatchOutput } from "../../src/check/parse-checkpatch.js";
import { readFixture } from "../helpers/fixtures.js";

describe("parseCheckpatchOutput", () => {
  it("reads each terse problem line of a real run: file, line, severity, type and message", () => {
    const findings = parseCheckpatchOutput(readFixture("check/checkpatch-noisy.txt"));
    expect(findings.map((finding) => [finding.file, finding.line, finding.severity, finding.rule])).toEqual([
      ["noisy-main.c", 1, "warning", "SPDX_LICENSE_TAG"],
      ["noisy-main.c", 10, "error", "CODE_INDENT"],
      ["noisy-main.c", 10, "warning", "LEADING_SPACE"],
      ["noisy-main.c", 11, "warning", "SPACING"],
      ["noisy-main.c", 17, "warning", "LINE_SPACING"],
      ["noisy-main.c", 17, "warning", "ARRAY_SIZE"],
      ["noisy-main.c", 17, "warning", "PRINTK_WITHOUT_KERN_LEVEL"],
      ["noisy.h", 1, "warning", "SPDX_LICENSE_TAG"],
      ["noisy.h", 1, "warning", "SPACING"],
    ]);
    expect(findings[1]).toMatchObject({
      message: "code indent should use tabs where possible",
      column: null,
      flag: "CODE_INDENT",
      checker: "checkpatch",
      origin: "checkpatch",
    });
  });

  it("takes CHECK (--strict) as a note, a problem without a line as file-wide, and skips other lines", () => {
    const findings = parseCheckpatchOutput(
      [
        "a.c:3: CHECK:SPACING: spaces preferred around that '*' (ctx:VxV)",
        "a.c: WARNING:MODULE_LICENSE: a problem with no line",
        "total: 0 errors, 1 warnings, 7 lines checked",
      ].join("\n"),
    );
    expect(findings.map((finding) => [finding.severity, finding.line, finding.rule])).toEqual([
      ["note", 3, "SPACING"],
      ["warning", null, "MODULE_LICENSE"],
    ]);
  });

  it("shows control characters from the module's source as \\x escapes, never raw", () => {
    const [finding] = parseCheckpatchOutput("a.c:1: WARNING:TYPO_SPELLING: 'x\u001b[31m' may be misspelled");
    expect(finding!.message).toBe("'x\\x1b[31m' may be misspelled");
  });
});
