// Real guests: KUnit suites run by kforge test on the 6.12 debug kernel (KUnit built in) that
// scripts/setup.sh registers in the shared cache, and left out with a clear message on Debian's
// stock 6.12 kernel. Three boots: the fixture suite, a generated kunit project, the stock kernel.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { KunitVmResult } from "../../src/vm/kunit-run.js";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { debugKernel, kernel612, privateCacheWith } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-kunit-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The tests' own cache, pointing at the shared debug kernel: accel and snapshot state stay here.
const debug = debugKernel();
const cache = privateCacheWith(root, debug);
const env = { XDG_CACHE_HOME: cache };
// Generous timeout: two cores shared by parallel test files make TCG boots take a minute or more.
const slow = ["--accel", "tcg", "--cold", "--timeout", "200"];
const onDebug = ["--kernel", debug.release, "--kdir", debug.kdir, ...slow];

const test = (dir: string, args: string[]) => runKforge(["test", "--vm", dir, ...args], { env, timeoutMs: 280_000 });

function parseResult(run: CliResult): KunitVmResult {
  try {
    return JSON.parse(run.stdout) as KunitVmResult;
  } catch {
    throw new Error(`kforge test printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

const caseStatuses = (result: KunitVmResult) =>
  result.kunit.suites.flatMap((suite) => suite.cases.map((item) => `${suite.name}.${item.name}:${item.status}`));

describe("kforge test on the debug kernel", () => {
  it("reports a suite's passing, failing and skipped cases exactly, in JSON and JUnit, and fails the run", async () => {
    const dir = join(root, "kcalc");
    cpSync(new URL("../fixtures/kunit-project/", import.meta.url).pathname, dir, { recursive: true });
    const junit = join(root, "reports", "kunit.xml");
    const run = await test(dir, [...onDebug, "--json", "--junit", junit]);
    const result = parseResult(run);
    expect(run.exitCode, run.stderr).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.steps.map((step) => `${step.name}:${step.ok}`)).toEqual([
      "insmod kcalc:true",
      "insmod kcalc_test:false",
      "rmmod kcalc_test:true",
      "rmmod kcalc:true",
      "kmemleak scan:true",
    ]);
    expect(result.steps[1]!.diagnosis?.kind).toBe("kunit-failed");
    expect(result.kunit).toMatchObject({ ran: true, ok: false, modules: ["kcalc_test"], sources: ["kcalc_test.c"], notRun: [] });
    expect(caseStatuses(result)).toEqual([
      "kcalc.kcalc_add_works:passed",
      "kcalc.kcalc_add_is_wrong_on_purpose:failed",
      "kcalc.kcalc_needs_hardware:skipped",
    ]);
    const [, failed, skipped] = result.kunit.suites[0]!.cases;
    expect(failed!.reason).toMatch(/^EXPECTATION FAILED at \S*kcalc_test\.c:14$/);
    expect(failed!.diagnostics).toContain("kcalc_add(2, 3) == 5 (0x5)");
    expect(skipped!.reason).toBe("no kcalc hardware in the guest");
    expect(result.kunit.suites[0]!.module).toBe("kcalc_test");

    const xml = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      isArray: (name) => ["testsuite", "testcase"].includes(name),
    }).parse(readFileSync(junit, "utf8"));
    expect(xml.testsuites).toMatchObject({ "@tests": "3", "@failures": "1", "@skipped": "1", "@errors": "0" });
    const cases = xml.testsuites.testsuite[0].testcase;
    expect(xml.testsuites.testsuite[0]["@name"]).toBe("kcalc");
    expect(cases.map((item: Record<string, unknown>) => item["@name"])).toEqual([
      "kcalc_add_works",
      "kcalc_add_is_wrong_on_purpose",
      "kcalc_needs_hardware",
    ]);
    expect(cases[0].failure).toBeUndefined();
    expect(cases[0].skipped).toBeUndefined();
    expect(cases[1].failure["@message"]).toMatch(/EXPECTATION FAILED/);
    expect(cases[2].skipped["@message"]).toBe("no kcalc hardware in the guest");
  }, 300_000);
});

async function generate(name: string, template: string, extra: string[] = []): Promise<string> {
  const created = await runKforge(["new", name, "--template", template, "--author", "Test", ...extra], { cwd: root });
  expect(created.exitCode, created.stderr).toBe(0);
  return join(root, name);
}

describe("generated projects", () => {
  it("kforge new --template kunit passes its suite in the debug-kernel guest, with a human summary", async () => {
    const dir = await generate("gen", "kunit");
    const run = await test(dir, onDebug);
    expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toMatch(/^ {2}ok {3}insmod gen_test /m);
    expect(run.stdout).toContain("KUnit ok: 3 cases in 1 suite: 3 passed, 0 failed, 0 skipped");
    expect(run.stdout).toMatch(/pass +gen_clamp_lowers_high_values/);
  }, 300_000);

  it("on the stock 6.12 kernel, a --with-tests project builds " +
    "without its suite, which kforge test leaves out with the reason", async () => {
    const dir = await generate("stock", "hello", ["--with-tests"]);
    const run = await test(dir, ["--kernel", kernel612().release, ...slow, "--json"]);
    const result = parseResult(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(
      new RegExp(
        String.raw`the KUnit suites \(stock_test\.c\) need a kernel with KUnit \(CONFIG_KUNIT\), ` +
          String.raw`which \S+ does not have, so they were not loaded; run kforge test --debug`,
      ),
    );
    expect(result.kunit).toMatchObject({ ran: false, ok: true, sources: ["stock_test.c"], suites: [] });
    expect(result.steps.map((step) => step.name)).toEqual([
      "insmod stock",
      "grep -q '^stock ' /proc/modules",
      "dmesg | grep -q 'stock: loaded'",
      "rmmod stock",
    ]);
    expect(readdirSync(dir).filter((name) => name.endsWith(".ko"))).toEqual(["stock.ko"]);
  }, 300_000);
});
