// `kforge test --vm` on several kernels and `--junit`, through the real CLI with real kbuild and real
// TCG boots of both installed kernels. The module's test steps pass or fail by kernel: one fails on
// 6.1 with exit 1, one panics 6.12 (sysrq), so each kernel reports its own result. A private cache
// links the shared kernel images in (never writes them) and takes the two guests' saved states, which
// they write side by side; an empty one has no 6.1 image at all.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelTestOutcome } from "../../src/report/test-outcome.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { kernel61, kernel612, releasePattern } from "../helpers/kernels.js";
import { moduleSource } from "../kbuild/modules.js";

const root = mkdtempSync(join(tmpdir(), "kforge-test-matrix-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, "cache");
mkdirSync(join(cache, "kforge"), { recursive: true });
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(cache, "kforge", "kernels"));
const emptyCache = join(root, "empty-cache");

// Other test files boot guests and build on the same two cores: allow a slow boot.
const UNDER_LOAD = ["--timeout", "180"];
const ON_612_ONLY = 'uname -r | grep -q "^6\\.12\\."';
const PANIC_OFF_61 = 'uname -r | grep -q "^6\\.1\\." || echo c > /proc/sysrq-trigger';

function createProject(name: string, tests: string[]): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "Makefile"), `obj-m += ${name}.o\n`);
  writeFileSync(join(dir, `${name}.c`), moduleSource(name));
  writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: tests } }));
  return dir;
}

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const parseJunit = (path: string) =>
  new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(readFileSync(path, "utf8")) as Record<string, any>;

// The schema's required attributes on <testsuites>, every <testsuite> and every <testcase>.
function expectJunitShape(parsed: Record<string, any>): any[] {
  const top = parsed.testsuites;
  for (const attribute of ["@name", "@tests", "@failures", "@errors", "@time"]) expect(top[attribute], attribute).toBeDefined();
  const suites = asList<any>(top.testsuite);
  for (const suite of suites) {
    for (const attribute of ["@name", "@tests", "@failures", "@errors", "@skipped", "@time"])
      expect(suite[attribute], attribute).toBeDefined();
    const cases = asList<any>(suite.testcase);
    expect(cases).toHaveLength(Number(suite["@tests"]));
    expect(cases.filter((testCase) => testCase.failure !== undefined)).toHaveLength(Number(suite["@failures"]));
    for (const testCase of cases)
      for (const attribute of ["@name", "@classname", "@time"]) expect(testCase[attribute], attribute).toBeDefined();
  }
  expect(Number(top["@tests"])).toBe(suites.reduce((sum, suite) => sum + Number(suite["@tests"]), 0));
  return suites;
}

const stepCases = (suite: any) => Object.fromEntries(asList<any>(suite.testcase).map((testCase) => [testCase["@name"], testCase]));

describe("kforge test on two kernels (real kbuild, real boots)", () => {
  const dir = createProject("kmtest", ["grep -c kmtest /proc/modules", ON_612_ONLY, PANIC_OFF_61]);
  const junit = join(root, "two-kernels.xml");
  let run: CliResult;
  let outcomes: KernelTestOutcome[];
  beforeAll(async () => {
    run = await runKforge(
      [
        "test",
        dir,
        "--vm",
        "--json",
        "--junit",
        junit,
        "--accel",
        "tcg",
        ...UNDER_LOAD,
        "-k",
        kernel61().release,
        "-k",
        kernel612().release,
      ],
      { env: { XDG_CACHE_HOME: cache }, timeoutMs: 560_000 },
    );
    outcomes = (JSON.parse(run.stdout) as { ok: boolean; kernels: KernelTestOutcome[] }).kernels;
  }, 600_000);

  it("exits 1 and prints one `kforge vm --json` result per kernel, each run on its own kernel with its own artifact", () => {
    expect(run.exitCode, run.stderr).toBe(1);
    expect(JSON.parse(run.stdout).ok).toBe(false);
    const [on61, on612] = [kernel61().release, kernel612().release].map(
      (release) => outcomes.find((outcome) => outcome.release === release) as VmResult,
    );
    expect(on61.booted && on612.booted).toBe(true);
    expect(on61.steps.map((step) => `${step.name}: ${step.ok}`)).toEqual([
      "insmod kmtest: true",
      "grep -c kmtest /proc/modules: true",
      `${ON_612_ONLY}: false`,
      `${PANIC_OFF_61}: true`,
      "rmmod kmtest: true",
    ]);
    expect(on61.end).toBe("completed");
    expect(on612.end).toBe("panic");
    expect(on612.steps.filter((step) => !step.ok).map((step) => step.name)).toEqual([PANIC_OFF_61]);
    expect(on612.skipped.map((step) => step.name)).toEqual(["rmmod kmtest"]);
    expect(on612.crashes.map((crash) => crash.step)).toEqual([PANIC_OFF_61]);
    for (const release of [kernel61().release, kernel612().release])
      expect(run.stderr).toMatch(
        new RegExp(`^\\[${releasePattern(release)}\\] modules up to date: kmtest for ${releasePattern(release)}$`, "m"),
      );
    expect(readdirSync(dir).sort()).toEqual([".kforge", "Makefile", "kforge.json", "kmtest.c"]);
  });

  it("writes JUnit XML with one test case per kernel × step: the failed step, the crash and the skipped unload", () => {
    const suites = expectJunitShape(parseJunit(junit));
    expect(suites.map((suite) => suite["@name"]).sort()).toEqual([kernel61().release, kernel612().release].sort());
    const on61 = stepCases(suites.find((suite) => suite["@name"] === kernel61().release));
    const on612 = stepCases(suites.find((suite) => suite["@name"] === kernel612().release));
    expect(Object.keys(on61)).toEqual(["insmod kmtest", "grep -c kmtest /proc/modules", ON_612_ONLY, PANIC_OFF_61, "rmmod kmtest"]);
    expect(on61[ON_612_ONLY].failure["@type"]).toBe("step");
    expect(on61[ON_612_ONLY].failure["@message"]).toBe("exit 1");
    expect(on61["grep -c kmtest /proc/modules"]["system-out"]).toBe(1);
    expect(on61["insmod kmtest"]["system-out"]).toContain("kmtest: loading out-of-tree module taints kernel.");
    expect(on612[ON_612_ONLY].failure).toBeUndefined();
    expect(on612[PANIC_OFF_61].failure["@type"]).toBe("crash");
    expect(on612[PANIC_OFF_61].failure["@message"]).toContain("Kernel panic - not syncing: sysrq triggered crash");
    expect(on612["rmmod kmtest"].skipped["@message"]).toContain("panic");
    expect(parseJunit(junit).testsuites["@failures"]).toBe("2");
  });
});

describe("kforge test --kernel all with a kernel that has no image (one real boot)", () => {
  it("skips that kernel with the command that fetches it, tests the others, and exits 0", async () => {
    const dir = createProject("kmall", [ON_612_ONLY]);
    const junit = join(root, "all.xml");
    const run = await runKforge(["test", dir, "--vm", "--kernel", "all", "--junit", junit, "--accel", "tcg", "--cold", ...UNDER_LOAD], {
      env: { XDG_CACHE_HOME: emptyCache },
      timeoutMs: 300_000,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const fetch = `no kernel image, fetch it with kforge kernel fetch ${kernel61().release}`;
    expect(run.stderr).toContain(`  ${kernel61().release}: skipped, ${fetch}`);
    expect(run.stdout).toMatch(new RegExp(`^  ${releasePattern(kernel612().release)} +passed +3/3 +0 `, "m"));
    expect(run.stdout).toMatch(new RegExp(`^  ${releasePattern(kernel61().release)} +skipped: ${releasePattern(fetch)}$`, "m"));
    expect(run.stdout).toContain(`ok   ${ON_612_ONLY}`);
    const suites = expectJunitShape(parseJunit(junit));
    const skipped = stepCases(suites.find((suite) => suite["@name"] === kernel61().release));
    expect(Object.keys(skipped)).toEqual(["(all)"]);
    expect(skipped["(all)"].skipped["@message"]).toBe(fetch);
  }, 320_000);
});

describe("kforge test --junit on one kernel (one real boot)", () => {
  it("prints the usual vm report and writes one suite of step cases", async () => {
    const dir = createProject("kmone", ["grep -c kmone /proc/modules"]);
    const junit = join(root, "one.xml");
    const run = await runKforge(
      ["test", dir, "--vm", "--kernel", kernel612().release, "--junit", junit, "--accel", "tcg", "--cold", ...UNDER_LOAD],
      { env: { XDG_CACHE_HOME: cache }, timeoutMs: 300_000 },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain("ok: 3 steps passed, kernel log clean");
    expect(run.stdout).not.toContain("passed on");
    const suites = expectJunitShape(parseJunit(junit));
    expect(suites.map((suite) => suite["@name"])).toEqual([kernel612().release]);
    expect(Object.keys(stepCases(suites[0]))).toEqual(["insmod kmone", "grep -c kmone /proc/modules", "rmmod kmone"]);
    expect(readdirSync(dir)).toContain("kmone.ko");
  }, 320_000);
});

describe("kforge test on several kernels: usage errors, before anything is built", () => {
  for (const extra of [["--shell"], ["--kdir", "/nonexistent"], ["--vm-kernel", "/nonexistent"]]) {
    it(`refuses ${extra[0]} with several kernels`, async () => {
      const dir = createProject(`kmuse${extra[0]!.replace(/\W/g, "")}`, []);
      const run = await runKforge(["test", dir, "--vm", "-k", kernel61().release, "-k", kernel612().release, ...extra]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(/several kernels were asked for/);
      expect(existsSync(join(dir, ".kforge"))).toBe(false);
    });
  }
});
