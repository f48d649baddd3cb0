import { describe, expect, it } from "vitest";
import type { Palette } from "../../src/ui/color.js";
import { formatArtifacts } from "../../src/ui/artifacts-summary.js";
import type { ArtifactsResult } from "../../src/vm/artifacts/result.js";

const plain: Palette = { red: (t) => t, yellow: (t) => t, green: (t) => t, cyan: (t) => t, dim: (t) => t, bold: (t) => t };
const base = { release: "6.1.0-test", dir: "/p/.kforge/vm-out/6.1.0-test", limitBytes: 4 * 2 ** 20 };
const collected = (extra: Partial<Extract<ArtifactsResult, { status: "collected" }>>): ArtifactsResult => ({
  ...base,
  status: "collected",
  files: [],
  refused: [],
  bytes: 0,
  listed: 0,
  partial: false,
  ...extra,
});

describe("formatArtifacts", () => {
  it("lists the files under their dir, relative to cwd, with each refusal and a partial copy's reason", () => {
    const result = collected({
      files: [{ path: "junit.xml", bytes: 2048 }],
      bytes: 2048,
      refused: [{ name: "esc\\x1b[2J", reason: "the name has control characters" }],
      partial: true,
      partialReason: '"make check" failed',
    });
    expect(formatArtifacts(result, plain, "/p")).toBe(
      "artifacts on 6.1.0-test: 1 file (2.0 KiB) in .kforge/vm-out/6.1.0-test/\n" +
        '  partial: "make check" failed\n' +
        "  junit.xml  2.0 KiB\n" +
        "  refused esc\\x1b[2J: the name has control characters\n",
    );
    expect(formatArtifacts(result, plain, "/elsewhere")).toContain("in /p/.kforge/vm-out/6.1.0-test/");
  });

  it("says nothing when the steps wrote nothing, and why nothing came back only when steps ran", () => {
    expect(formatArtifacts(collected({}), plain)).toBe("");
    const ended: ArtifactsResult = { ...base, status: "not-collected", reason: 'QEMU exited during "x", before the copy' };
    expect(formatArtifacts(ended, plain)).toBe('artifacts on 6.1.0-test: not collected: QEMU exited during "x", before the copy\n');
    expect(formatArtifacts(ended, plain, undefined, false)).toBe("");
  });
});
