import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/kbuild/parse-output.js";
import { formatDiagnostics } from "../../src/ui/diagnostics.js";
import { createPalette } from "../../src/ui/color.js";

describe("formatDiagnostics", () => {
  it("never writes a control character from the module's source to the terminal", () => {
    const diagnostic: Diagnostic = {
      severity: "warning",
      file: "evil.c",
      line: 1,
      column: 2,
      message: "m",
      flag: null,
      origin: "checkpatch",
    };
    const palette = createPalette({ isTTY: false } as NodeJS.WriteStream);
    const text = formatDiagnostics([diagnostic], palette, new Map([["evil.c", ['\t"\u001b]0;owned\u0007\u001b[2J"']]]));
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(text).toContain('"\\x1b]0;owned\\x07\\x1b[2J"');
  });
});
