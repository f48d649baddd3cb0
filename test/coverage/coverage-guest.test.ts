// Real guests on the debug kernel (gcov built in): a module with two functions whose vm.test steps
// run only one gives exact per-function and per-line counts in JSON, lcov and Cobertura; a KUnit
// suite's cases give the coverage of the module under test, in the text report; a module that oopses
// gives partial coverage and the crash. Three boots, run in parallel.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, describe, expect, it } from "vitest";
import type { CoverageResult } from "../../src/coverage/model.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { gcovKernel, privateCacheWith } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-coverage-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The tests' own cache, pointing at the shared debug kernel: accel and snapshot state stay here.
const debug = gcovKernel();
const cache = privateCacheWith(root, debug);
const env = { XDG_CACHE_HOME: cache };
// Generous timeouts: two cores shared by parallel test files make TCG boots of the KASAN kernel slow.
const onDebug = ["--kernel", debug.release, "--accel", "tcg", "--cold", "--timeout", "400"];

const test = (dir: string, args: string[]) =>
  runKforge(["test", "--vm", dir, "--coverage", ...onDebug, ...args], { env, timeoutMs: 560_000 });

function copyFixture(name: string): string {
  const dir = join(root, name);
  cpSync(new URL(`../fixtures/${name}/`, import.meta.url).pathname, dir, { recursive: true });
  return dir;
}

function parseResult(run: CliResult): VmResult & { coverage: CoverageResult } {
  try {
    return JSON.parse(run.stdout);
  } catch {
    throw new Error(`kforge test printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

// A source line's number, found by its text, so the expectations follow the fixture.
const lineOf = (dir: string, file: string, text: string) =>
  readFileSync(join(dir, file), "utf8")
    .split("\n")
    .findIndex((line) => line.includes(text)) + 1;

describe("kforge test --coverage on the debug kernel", () => {
  it("counts exactly the function and lines the steps ran, in JSON, lcov and Cobertura", async () => {
    const dir = copyFixture("coverage-project");
    const output = join(root, "reports");
    const run = await test(dir, ["--json", "--coverage-output", output]);
    const result = parseResult(run);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(result.release).toBe(debug.release);
    const coverage = result.coverage;
    if (coverage.status !== "ok") throw new Error(`coverage ${coverage.status}: ${coverage.reason}`);
    expect(coverage.partial).toBe(false);
    const at = (text: string) => lineOf(dir, "twofunc.c", text);
    const [file] = coverage.files;
    expect(coverage.files.map((entry) => entry.path)).toEqual(["twofunc.c"]);
    expect(file!.functionList).toEqual([
      { name: "add_value", line: at("static int add_value"), calls: 2, lines: { hit: 8, total: 8 }, branches: { hit: 3, total: 4 } },
      { name: "reset_total", line: at("static int reset_total"), calls: 0, lines: { hit: 0, total: 3 }, branches: { hit: 0, total: 0 } },
    ]);
    const counts = new Map(file!.lineCounts.map((line) => [line.line, line]));
    expect(counts.get(at("int error = kstrtoint"))).toEqual({ line: at("int error = kstrtoint"), count: 2 });
    // "if (error)" never held; "number > 10" held once (20) and failed once (3).
    expect(counts.get(at("if (error)"))).toEqual({ line: at("if (error)"), count: 2, branches: [2, 0] });
    expect(counts.get(at("if (number > 10)"))).toEqual({ line: at("if (number > 10)"), count: 2, branches: [1, 1] });
    expect(counts.get(at("number = 10;"))!.count).toBe(1);
    expect(counts.get(at("total += number;"))!.count).toBe(2);
    expect(counts.get(at("total = 0;"))!.count).toBe(0);
    expect(coverage.totals).toEqual({
      lines: { hit: 8, total: 11 },
      functions: { hit: 1, total: 2 },
      branches: { hit: 3, total: 4 },
      percent: 72.7,
    });
    expect(coverage.reports).toEqual({ lcov: join(output, "lcov.info"), cobertura: join(output, "cobertura.xml") });
    expect(readdirSync(output).sort()).toEqual(["cobertura.xml", "lcov.info"]);

    const lcov = readFileSync(join(output, "lcov.info"), "utf8").split("\n");
    expect(lcov).toContain(`SF:${join(dir, "twofunc.c")}`);
    expect(lcov).toContain(`FN:${at("static int add_value")},add_value`);
    expect(lcov.filter((line) => line.startsWith("FNDA:"))).toEqual(["FNDA:2,add_value", "FNDA:0,reset_total"]);
    expect(lcov.filter((line) => line.startsWith("DA:"))).toEqual(file!.lineCounts.map((line) => `DA:${line.line},${line.count}`));
    expect(lcov.filter((line) => line.startsWith("BRDA:"))).toEqual([
      `BRDA:${at("if (error)")},0,0,2`,
      `BRDA:${at("if (error)")},0,1,0`,
      `BRDA:${at("if (number > 10)")},0,0,1`,
      `BRDA:${at("if (number > 10)")},0,1,1`,
    ]);
    expect(lcov).toEqual(expect.arrayContaining(["LF:11", "LH:8", "FNF:2", "FNH:1", "BRF:4", "BRH:3", "end_of_record"]));

    const xml = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: "@",
      isArray: (name) => ["package", "class", "method", "line"].includes(name),
    }).parse(readFileSync(join(output, "cobertura.xml"), "utf8"));
    expect(xml.coverage).toMatchObject({ "@lines-covered": "8", "@lines-valid": "11", "@branches-covered": "3", "@branches-valid": "4" });
    expect(Number(xml.coverage["@line-rate"])).toBeCloseTo(8 / 11, 4);
    expect(xml.coverage.sources.source).toBe(dir);
    const [klass] = xml.coverage.packages.package[0].classes.class;
    expect(klass["@filename"]).toBe("twofunc.c");
    expect(klass.methods.method.map((method: Record<string, string>) => method["@name"])).toEqual(["add_value", "reset_total"]);
    const hits = klass.lines.line.map((line: Record<string, string>) => [Number(line["@number"]), Number(line["@hits"])]);
    expect(hits).toEqual(file!.lineCounts.map((line) => [line.line, line.count]));
    const branchLine = klass.lines.line.find((line: Record<string, string>) => Number(line["@number"]) === at("if (error)"));
    expect(branchLine).toMatchObject({ "@branch": "true", "@condition-coverage": "50% (1/2)" });
  }, 600_000);

  it("reports the module under its KUnit cases in text, leaving the suite's own source out", async () => {
    const dir = copyFixture("kunit-project");
    const run = await test(dir, []);
    // The fixture's suite fails one case on purpose: the run fails, coverage is still reported.
    expect(run.exitCode, run.stderr).toBe(1);
    const at = (text: string) => lineOf(dir, "kcalc.c", text);
    const text = run.stdout.slice(run.stdout.indexOf("coverage on"));
    expect(text).toMatch(new RegExp(`^coverage on ${debug.release.replaceAll(".", "\\.")}: lines \\d+/\\d+ \\(`));
    expect(text).toMatch(/^ {2}kcalc\.c {2}lines \d+\/\d+ \([\d.]+%\), functions 2\/3, branches 0\/0$/m);
    expect(text).toMatch(new RegExp(`^ {4}kcalc_add +line ${at("int kcalc_add")} +called 2 `, "m"));
    expect(text).toMatch(new RegExp(`^ {4}kcalc_init +line ${at("kcalc_init(void)")} +called 1 `, "m"));
    expect(text).toMatch(new RegExp(`^ {4}kcalc_exit +line ${at("kcalc_exit(void)")} +not called `, "m"));
    expect(text).not.toContain("kcalc_test.c");
    // The run's cwd is not above the module dir: the paths are absolute.
    expect(text).toContain(`reports: ${join(dir, ".kforge", "coverage", debug.release, "lcov.info")}, `);
    expect(existsSync(join(dir, ".kforge", "coverage", debug.release, "cobertura.xml"))).toBe(true);
  }, 600_000);

  it("marks coverage partial when the module oopses, and reports the crash", async () => {
    const dir = copyFixture("coverage-crash");
    const run = await test(dir, ["--json"]);
    const result = parseResult(run);
    expect(run.exitCode, run.stderr).toBe(1);
    // KASAN turns the NULL dereference into a general protection fault report; either way, no warning.
    expect(result.crashes.filter((crash) => crash.kind !== "warning").length).toBeGreaterThan(0);
    // The killed shell held the parameter's lock: rmmod would hang until the time limit, so it is not run.
    expect(result.end).toBe("completed");
    expect(result.skipped).toContainEqual(
      expect.objectContaining({ name: "rmmod crashcov", reason: expect.stringContaining("the kernel oopsed during") }),
    );
    const coverage = result.coverage;
    if (coverage.status !== "ok") throw new Error(`coverage ${coverage.status}: ${coverage.reason}`);
    expect(coverage.partial).toBe(true);
    expect(coverage.partialReason).toMatch(
      /^the kernel reported .* during "echo 1 > \/sys\/module\/crashcov\/parameters\/poke"; the counters stop where it stopped the code$/,
    );
    const counts = new Map(coverage.files[0]!.lineCounts.map((line) => [line.line, line.count]));
    const at = (text: string) => lineOf(dir, "crashcov.c", text);
    expect(coverage.files[0]!.functionList.map((item) => [item.name, item.calls])).toEqual([["poke", 1]]);
    expect(counts.get(at("if (value[0] == '1')"))).toBe(1);
    // The line after the dereference never ran.
    expect(counts.get(at("return 0;"))).toBe(0);
  }, 600_000);
});
