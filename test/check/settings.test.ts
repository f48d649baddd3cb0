import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/check/checkers.js";
import { failsRun, isIgnored, parseFailOn, resolveCheckSettings } from "../../src/check/settings.js";
import { UsageError } from "../../src/errors.js";

const finding = (checker: Finding["checker"], rule: string, message = "m", severity: Finding["severity"] = "warning"): Finding => ({
  checker,
  rule,
  message,
  severity,
  file: "a.c",
  line: 1,
  column: null,
  flag: null,
  origin: "compiler",
});

describe("resolveCheckSettings", () => {
  it("runs every checker by default, failing on errors, with a 300 s limit, and none of them asked for explicitly", () => {
    expect(resolveCheckSettings({})).toMatchObject({
      checkers: ["checkpatch", "sparse", "w1", "coccinelle"],
      explicit: false,
      failOn: ["error"],
      timeoutMs: 300_000,
    });
  });

  it("lets flags win over kforge.json, and counts either naming checkers as asking for them", () => {
    // kforge.json's source is relative to the module dir, --source to the current dir.
    const config = { checkers: ["sparse"], failOn: ["warning"], timeout: 60, source: "../linux" };
    const places = { cwd: "/work", dir: "/work/module" };
    expect(resolveCheckSettings({}, config, places)).toMatchObject({
      checkers: ["sparse"],
      explicit: true,
      failOn: ["warning"],
      timeoutMs: 60_000,
      source: "/work/linux",
    });
    expect(resolveCheckSettings({ checker: ["w1", "w1"], failOn: "none", timeout: 5, source: "mine" }, config, places)).toMatchObject({
      checkers: ["w1"],
      explicit: true,
      failOn: [],
      timeoutMs: 5000,
      source: "/work/mine",
    });
  });

  it("refuses an unknown checker or severity with the names it knows", () => {
    expect(() => resolveCheckSettings({ checker: ["sparce"] })).toThrow(UsageError);
    expect(() => resolveCheckSettings({ checker: ["sparce"] })).toThrow('unknown checker "sparce"');
    expect(() => parseFailOn("errors")).toThrow("--fail-on takes severities");
    expect(parseFailOn("error, warning")).toEqual(["error", "warning"]);
  });
});

describe("isIgnored and failsRun", () => {
  const ignore = {
    checkpatch: ["spacing"],
    sparse: ["address space"],
    w1: ["unused-but-set-variable"],
    coccinelle: ["memdup"],
  };

  it("matches checkpatch types, sparse text, W=1 options with or without -W, and semantic patches by name", () => {
    expect(isIgnored(finding("checkpatch", "SPACING"), ignore)).toBe(true);
    expect(isIgnored(finding("checkpatch", "LINE_SPACING"), ignore)).toBe(false);
    expect(isIgnored(finding("sparse", "x", "incorrect type (different ADDRESS SPACES)"), ignore)).toBe(true);
    expect(isIgnored(finding("w1", "-Wunused-but-set-variable"), ignore)).toBe(true);
    expect(isIgnored(finding("w1", "-Wunused-variable"), ignore)).toBe(false);
    expect(isIgnored(finding("coccinelle", "api/memdup"), ignore)).toBe(true);
    expect(isIgnored(finding("coccinelle", "api/memdup_user"), ignore)).toBe(false);
  });

  it("fails the run only on the chosen severities", () => {
    const findings = [finding("w1", "x", "m", "warning")];
    expect(failsRun(findings, ["error"])).toBe(false);
    expect(failsRun(findings, ["error", "warning"])).toBe(true);
    expect(failsRun(findings, [])).toBe(false);
  });
});
