// The KTAP parser and KUnit's reading of it, on kernel logs recorded from the 6.12 debug kernel
// (test/fixtures/kernel-log/kunit/: recorded-suite.c loaded after recorded-module.c by kforge vm)
// and on the edge cases of the format.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseKtap } from "../../src/kernel-log/ktap.js";
import { countKunit, parseKunitSuites } from "../../src/kernel-log/kunit-results.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/kernel-log/kunit/${name}`, import.meta.url), "utf8").split("\n");
const statuses = (suite: { cases: { name: string; status: string }[] }) => suite.cases.map((item) => `${item.name}:${item.status}`);

describe("KUnit results from a recorded debug-kernel console (timestamps, an oops inside a case)", () => {
  const suites = parseKunitSuites(fixture("debug-6.12-console.log"));

  it("finds both suites of the module, attributed to it, with every case's status", () => {
    expect(suites.map((suite) => `${suite.name}[${suite.module}]:${suite.status}`)).toEqual([
      "demo[demo_test]:failed",
      "demo_other[demo_test]:failed",
    ]);
    expect(statuses(suites[0]!)).toEqual([
      "demo_add_passes:passed",
      "demo_add_fails:failed",
      "demo_skipped:skipped",
      "demo_crashes:failed",
    ]);
    expect(suites[0]!.planned).toBe(4);
    expect(suites[0]!.notRun).toBe(0);
  });

  it("keeps the failed expectation with its values, the skip reason, and the oops a case caused", () => {
    const [passes, fails, skipped, crashes] = suites[0]!.cases;
    expect(passes!.reason).toBeUndefined();
    expect(fails!.reason).toMatch(/^EXPECTATION FAILED at \S+demo_test\.c:5$/);
    expect(fails!.diagnostics.slice(1)).toEqual(["Expected 5 == demo_add(1, 2), but", "demo_add(1, 2) == 3 (0x3)"]);
    expect(skipped!.reason).toBe("not on this machine");
    expect(crashes!.crash).toMatch(/^Oops: general protection fault/);
    expect(crashes!.reason).toBe("try faulted");
    // The oops's register dump and call trace are kernel messages, not the case's diagnostics.
    expect(crashes!.diagnostics).toEqual([
      "demo_crashes: about to crash",
      "demo_crashes: try faulted",
      "demo_crashes: internal error occurred preventing test case from running: -4",
    ]);
  });

  it("reads a parameterised case's parameters and leaves KUnit's tallies out of the diagnostics", () => {
    const param = suites[1]!.cases[1]!;
    expect(param.name).toBe("demo_param_odd");
    expect(param.parameters).toEqual([
      { name: "value 1", status: "passed" },
      { name: "value 2", status: "failed", reason: "*value % 2 == 0 (0x0)" },
      { name: "value 3", status: "passed" },
    ]);
    expect(param.diagnostics.some((line) => line.includes("pass:"))).toBe(false);
    expect(countKunit(suites)).toEqual({ suites: 2, cases: 6, passed: 2, failed: 3, skipped: 1, crashed: 0, notRun: 0 });
  });

  it("gives the same suite from the step's kernel log, which has no timestamps", () => {
    const fromStep = parseKunitSuites(fixture("debug-6.12-step-log.txt"));
    expect(fromStep).toHaveLength(2);
    expect(fromStep[0]).toEqual(suites[0]);
  });
});

describe("a panic inside a case (oops=panic) leaves the plan incomplete", () => {
  const lines = fixture("debug-6.12-oops-panic-console.log");

  it("reports the running case as crashed, named from its diagnostics, and the suite as crashed", () => {
    const [suite, ...others] = parseKunitSuites(lines);
    expect(others).toEqual([]);
    expect(suite!.status).toBe("crashed");
    expect(statuses(suite!)).toEqual(["demo_add_passes:passed", "demo_add_fails:failed", "demo_skipped:skipped", "demo_crashes:crashed"]);
    expect(suite!.cases[3]!.reason).toMatch(/^the kernel crashed: Oops: general protection fault/);
  });

  it("keeps the document's plan, so the suite that never started shows", () => {
    const [document] = parseKtap(lines);
    expect(document!.planned).toBe(2);
    expect(document!.tests).toHaveLength(1);
  });
});

describe("KTAP edge cases", () => {
  it("strips syslog levels, reads TODO and '- ' names, and ignores unrelated kernel lines", () => {
    const [document] = parseKtap([
      "<6>random: crng init done",
      "<6>KTAP version 1",
      "<6>1..2",
      "<4>some driver: hello",
      "<6>not ok 1 - first # TODO not yet",
      "<6>ok 2",
    ]);
    expect(document!.tests.map((test) => [test.name, test.result, test.directive?.kind])).toEqual([
      ["first", "not ok", "TODO"],
      ["test 2", "ok", undefined],
    ]);
  });

  it("reads the older layout with '# Subtest:' before the nested plan and no nested version line", () => {
    const [suite] = parseKunitSuites(["TAP version 14", "1..1", "    # Subtest: old", "    1..1", "    ok 1 - works", "ok 1 - old"]);
    expect(suite!.name).toBe("old");
    expect(statuses(suite!)).toEqual(["works:passed"]);
  });

  it("closes an unfinished document when the next module's KTAP begins", () => {
    const lines = [
      "KTAP version 1",
      "1..1",
      "    KTAP version 1",
      "    # Subtest: first",
      "    1..2",
      "    ok 1 a",
      "KTAP version 1",
      "1..1",
      "    KTAP version 1",
      "    # Subtest: second",
      "    1..1",
      "    ok 1 b",
      "ok 1 second",
    ];
    const suites = parseKunitSuites(lines);
    expect(suites.map((suite) => `${suite.name}:${suite.status}:${suite.notRun}`)).toEqual(["first:crashed:1", "second:passed:0"]);
  });

  it("ends a document at its complete plan: a later oops is not one of its tests", () => {
    const documents = parseKtap(["KTAP version 1", "1..1", "ok 1 only", "Oops: general protection fault", "# a diagnostic after the end"]);
    expect(documents).toHaveLength(1);
    expect(documents[0]!.tests.map((test) => test.result)).toEqual(["ok"]);
  });

  it("finds nothing in a log without KTAP, and never throws on fragments", () => {
    expect(parseKtap(["ok 1 stray", "    not ok 2 nested stray", "1..3"])).toEqual([]);
    expect(() => parseKtap(["KTAP version 1", "        ok 1 too deep", "    # orphan", "not ok"])).not.toThrow();
  });
});
