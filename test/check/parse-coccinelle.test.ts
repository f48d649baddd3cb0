import { describe, expect, it } from "vitest";
import { meetsVersion, parseCoccinelleReport, parseSemanticPatchHeader, parseSpatchVersion } from "../../src/check/parse-coccinelle.js";
import { readFixture } from "../helpers/fixtures.js";

describe("parseCoccinelleReport", () => {
  it("reads real report lines: 0-based columns made 1-based, ERROR an error, anything else a warning", () => {
    const report = (name: string, rule: string) =>
      parseCoccinelleReport(readFixture(`check/coccinelle-${name}.txt`), rule).map((finding) => [
        finding.file,
        finding.line,
        finding.column,
        finding.severity,
        finding.message,
        finding.rule,
      ]);
    expect(report("memdup", "api/memdup")).toEqual([["seeded.c", 17, 9, "warning", "opportunity for kmemdup", "api/memdup"]]);
    expect(report("array_size", "misc/array_size")).toEqual([["noisy-main.c", 17, 52, "warning", "Use ARRAY_SIZE", "misc/array_size"]]);
    expect(report("semicolon", "misc/semicolon")).toEqual([["noisy-main.c", 20, 3, "warning", "Unneeded semicolon", "misc/semicolon"]]);
    expect(report("deref_null", "null/deref_null")).toEqual([
      ["err.c", 11, 16, "error", "item is NULL but dereferenced.", "null/deref_null"],
    ]);
  });

  it("ignores spatch's own warnings about the semantic patch", () => {
    expect(parseCoccinelleReport("warning: line 140: should noop_llseek be a metavariable?\n", "api/stream_open")).toEqual([]);
  });
});

describe("semantic patch headers and spatch versions", () => {
  it("reads Options:, Requires: and OCaml rules as coccicheck does", () => {
    const header = parseSemanticPatchHeader(
      [
        "/// Find a problem",
        "// Confidence: High",
        "// Options: --no-includes --include-headers",
        "// Requires: 1.0.7",
        "virtual report",
        "@script:ocaml depends on report@",
        "p << r.p;",
        "@@",
      ].join("\n"),
    );
    expect(header).toEqual({ options: ["--no-includes", "--include-headers"], requires: "1.0.7", needsOcaml: true });
    expect(parseSemanticPatchHeader("virtual report\n@script:python depends on report@\n@@\n")).toEqual({
      options: [],
      requires: undefined,
      needsOcaml: false,
    });
  });

  it("compares versions as sort -V does", () => {
    expect(parseSpatchVersion("spatch version 1.1.1 compiled with OCaml version 4.13.1\nFlags passed")).toBe("1.1.1");
    expect(meetsVersion("1.1.1", "1.0.7")).toBe(true);
    expect(meetsVersion("1.0.7", "1.0.7")).toBe(true);
    expect(meetsVersion("1.0.6", "1.0.7")).toBe(false);
    expect(meetsVersion("1.1", "1.0.10")).toBe(true);
  });
});
