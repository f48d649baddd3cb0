// Folding KUnit results into a guest run's result, and the JUnit and human reports made from them,
// over the kernel logs recorded from the 6.12 debug kernel (test/fixtures/kernel-log/kunit/).
import { readFileSync } from "node:fs";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { renderKunitJunit } from "../../src/report/kunit-junit.js";
import { createPalette } from "../../src/ui/color.js";
import { formatKunitSummary } from "../../src/ui/kunit-summary.js";
import { applyKunitResults, skippedKunitRun } from "../../src/vm/kunit-run.js";
import type { StepResult, VmResult } from "../../src/vm/report.js";

const consoleLog = readFileSync(new URL("../fixtures/kernel-log/kunit/debug-6.12-console.log", import.meta.url), "utf8").split("\n");
const RELEASE = "6.12.0-850-kforge-debug";
const plain = createPalette({ isTTY: false } as NodeJS.WriteStream);

const load = (module: string, exitCode = 0): StepResult => ({
  name: `insmod ${module}`,
  kind: "load",
  module,
  ok: exitCode === 0,
  exitCode,
  durationMs: 5,
  output: "",
  kernelLog: [],
});

function runResult(steps: StepResult[], skipped: VmResult["skipped"] = []): VmResult {
  return {
    ok: steps.every((step) => step.ok),
    release: RELEASE,
    accel: "tcg",
    bootMs: 1,
    booted: true,
    start: "booted",
    steps,
    skipped,
    crashes: [],
    taint: { before: 0, after: 0, letters: "", lettersBefore: "" },
    end: "completed",
    kernelImage: "/boot/x",
    bootEntry: "bzimage",
    notices: [],
    modules: { planned: steps.length, loaded: steps.length, failed: [], skipped: [] },
  };
}

const parseXml = (xml: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@", isArray: (name) => ["testsuite", "testcase"].includes(name) }).parse(
    xml,
  );

describe("applyKunitResults", () => {
  it("fails the suite module's load step with the failing cases named, and the run with it", () => {
    const result = applyKunitResults(runResult([load("demo"), load("demo_test")]), consoleLog, ["demo_test"], ["demo_test.c"]);
    expect(result.ok).toBe(false);
    expect(result.kunit.ok).toBe(false);
    expect(result.steps[0]!.ok).toBe(true);
    const step = result.steps[1]!;
    expect(step.ok).toBe(false);
    expect(step.diagnosis?.kind).toBe("kunit-failed");
    expect(step.diagnosis?.detail).toContain("demo.demo_add_fails (EXPECTATION FAILED at");
    expect(step.diagnosis?.detail).toContain("demo_other.demo_param_odd");
    expect(result.kunit.totals).toMatchObject({ suites: 2, cases: 6, passed: 2, failed: 3, skipped: 1 });
  });

  it("passes when every case passed or was skipped", () => {
    const passing = [
      "KTAP version 1",
      "1..1",
      "    KTAP version 1",
      "    # Subtest: s",
      "    # module: s_test",
      "    1..2",
      "    ok 1 a",
      "    ok 2 b # SKIP later",
      "ok 1 s",
    ];
    const result = applyKunitResults(runResult([load("s_test")]), passing, ["s_test"], []);
    expect(result.ok).toBe(true);
    expect(result.steps[0]).toEqual(load("s_test"));
    expect(formatKunitSummary(result.kunit, plain)).toContain("KUnit ok: 2 cases in 1 suite: 1 passed, 0 failed, 1 skipped");
  });

  it("ignores suites of modules that are not the project's, and fails a suite module that printed nothing or never loaded", () => {
    const result = applyKunitResults(
      runResult(
        [load("demo"), load("quiet_test")],
        [{ name: "insmod late_test", kind: "load", module: "late_test", reason: "insmod demo failed" }],
      ),
      consoleLog,
      ["quiet_test", "late_test"],
      [],
    );
    expect(result.kunit.suites).toEqual([]);
    expect(result.kunit.notRun).toEqual([
      { module: "quiet_test", reason: expect.stringContaining("printed no KTAP results") },
      { module: "late_test", reason: "not loaded: insmod demo failed" },
    ]);
    expect(result.ok).toBe(false);
  });
});

describe("renderKunitJunit", () => {
  it("writes one testsuite per KUnit suite and one testcase per case, with failure and skipped children", () => {
    const { kunit } = applyKunitResults(runResult([load("demo"), load("demo_test")]), consoleLog, ["demo_test"], []);
    const xml = parseXml(renderKunitJunit(kunit, RELEASE));
    expect(xml.testsuites).toMatchObject({ "@tests": "6", "@failures": "3", "@skipped": "1", "@errors": "0" });
    const [demo, other] = xml.testsuites.testsuite;
    expect(demo["@name"]).toBe("demo");
    expect(demo.testcase.map((item: Record<string, unknown>) => item["@name"])).toEqual([
      "demo_add_passes",
      "demo_add_fails",
      "demo_skipped",
      "demo_crashes",
    ]);
    expect(demo.testcase[0]["@classname"]).toBe("demo_test.demo");
    expect(demo.testcase[1].failure["@message"]).toMatch(/^EXPECTATION FAILED at /);
    expect(demo.testcase[1].failure["#text"]).toContain("Expected 5 == demo_add(1, 2), but");
    expect(demo.testcase[2].skipped["@message"]).toBe("not on this machine");
    expect(other["@failures"]).toBe("1");
  });

  it("marks a suite module with no results as an error, and a kernel without KUnit as skipped sources", () => {
    const { kunit } = applyKunitResults(runResult([load("quiet_test")]), [], ["quiet_test"], []);
    const missing = parseXml(renderKunitJunit(kunit, RELEASE));
    expect(missing.testsuites.testsuite[0].testcase[0].error["@type"]).toBe("not-run");
    const skipped = parseXml(renderKunitJunit(skippedKunitRun("needs KUnit", ["a_test.c", "b_test.c"]), RELEASE));
    expect(skipped.testsuites).toMatchObject({ "@tests": "2", "@skipped": "2" });
    expect(skipped.testsuites.testsuite[0].testcase.map((item: Record<string, unknown>) => item["@name"])).toEqual([
      "a_test.c",
      "b_test.c",
    ]);
  });
});

describe("suites without a module line (kernels before 6.3)", () => {
  it("count for the last suite module, whose load step they fail", () => {
    const lines = ["KTAP version 1", "1..1", "    KTAP version 1", "    # Subtest: old", "    1..1", "    not ok 1 breaks", "not ok 1 old"];
    const result = applyKunitResults(runResult([load("a_test"), load("b_test")]), lines, ["a_test", "b_test"], []);
    expect(result.steps.map((step) => step.ok)).toEqual([true, false]);
    expect(result.steps[1]!.diagnosis?.detail).toBe("old.breaks");
    expect(result.kunit.notRun).toEqual([]);
  });
});
