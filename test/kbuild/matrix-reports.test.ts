// CI reports from one real failing two-kernel matrix build (6.12 fails with an #error, both warn about
// an unused variable), and a gate-skipped kernel: JUnit XML checked against the schema's required
// elements and attributes, GitHub workflow commands with repository-relative paths, the step summary,
// and the GitLab Code Quality report.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { moduleSource, removeDir } from "./modules.js";

const BODY = `#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#error "needs a kernel, before 6.4: 100%"
#endif
static __used int reported_probe(void)
{
\tint unused_value;
\treturn 0;
}
`;

let repo: string;
let result: CliResult;
const file = (name: string) => join(repo, "out", name);

beforeAll(async () => {
  repo = mkdtempSync(join(tmpdir(), "kforge-reports-"));
  const dir = join(repo, "drivers", "reported");
  mkdirSync(dir, { recursive: true });
  mkdirSync(join(repo, "out"));
  writeFileSync(join(dir, "Makefile"), "obj-m += reported.o\n");
  writeFileSync(join(dir, "reported.c"), moduleSource("reported", BODY));
  execFileSync("git", ["init", "-q", repo]);
  writeFileSync(join(dir, "kforge.json"), JSON.stringify({ kernel: [kernel61().release, kernel612().release] }));
  writeFileSync(file("summary.md"), "# earlier step\n");
  result = await runKforge(["build", dir, "--junit", file("junit.xml"), "--codequality", file("cq.json"), "--annotations", "github"], {
    timeoutMs: 300_000,
    env: { GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: file("summary.md") },
  });
}, 320_000);
afterAll(() => removeDir(repo));

const asList = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

describe("CI reports of a failing matrix build (real kbuild, two kernels)", () => {
  it("exits 1 and writes JUnit XML with one test case per kernel × module and the diagnostics in the failure", () => {
    expect(result.exitCode, result.stderr).toBe(1);
    const xml = readFileSync(file("junit.xml"), "utf8");
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(xml) as Record<string, any>;
    const root = parsed.testsuites;
    expect(root).toBeDefined();
    for (const attribute of ["@tests", "@failures", "@errors", "@time"]) expect(root[attribute], attribute).toBeDefined();
    const suites = asList<any>(root.testsuite);
    expect(suites.map((suite) => suite["@name"]).sort()).toEqual([kernel61().release, kernel612().release].sort());
    for (const suite of suites) {
      for (const attribute of ["@name", "@tests", "@failures", "@errors", "@skipped", "@time"])
        expect(suite[attribute], attribute).toBeDefined();
      const cases = asList<any>(suite.testcase);
      expect(cases).toHaveLength(Number(suite["@tests"]));
      for (const testcase of cases)
        for (const attribute of ["@name", "@classname", "@time"]) expect(testcase[attribute], attribute).toBeDefined();
    }
    const passed = suites.find((suite) => suite["@name"] === kernel61().release);
    expect(asList<any>(passed.testcase).map((testcase) => testcase["@name"])).toEqual(["reported"]);
    expect(asList<any>(passed.testcase)[0].failure).toBeUndefined();
    const failed = suites.find((suite) => suite["@name"] === kernel612().release);
    expect(failed["@failures"]).toBe("1");
    const failure = asList<any>(failed.testcase)[0].failure;
    expect(failure["@message"]).toContain('error: #error "needs a kernel, before 6.4: 100%"');
    expect(failure["@type"]).toBe("build");
    expect(failure["#text"]).toContain("reported.c:");
    expect(root["@tests"]).toBe("2");
    expect(root["@failures"]).toBe("1");
  });

  it("prints GitHub workflow commands with repository-relative paths and escaped values, and appends the step summary", () => {
    const errors = result.stdout.split("\n").filter((line) => line.startsWith("::error "));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(
        `^::error file=drivers/reported/reported\\.c,line=5,col=2,title=${kernel612().release.replace(/[.+]/g, "\\$&")}::#error ` +
          `"needs a kernel, before 6\\.4: 100%25"$`,
      ),
    );
    const warnings = result.stdout.split("\n").filter((line) => line.startsWith("::warning ") && line.includes("unused_value"));
    expect(warnings.length).toBe(2);
    expect(
      warnings.every((line) => line.includes("file=drivers/reported/reported.c,line=9,col=") && line.includes("-Wunused-variable")),
    ).toBe(true);
    const summary = readFileSync(file("summary.md"), "utf8");
    expect(summary.startsWith("# earlier step\n")).toBe(true);
    expect(summary).toContain("| kernel | module | result | warnings | errors | time |");
    expect(summary).toMatch(new RegExp(`\\| ${kernel612().release.replace(/[.+]/g, "\\$&")} \\| \\(all\\) \\| failed \\| 1 \\| 1 \\|`));
    expect(summary).toContain("#### First diagnostics");
  });

  it("writes a GitLab Code Quality report with one finding per diagnostic and unique fingerprints", () => {
    const findings = JSON.parse(readFileSync(file("cq.json"), "utf8")) as {
      description: string;
      check_name: string;
      fingerprint: string;
      severity: string;
      location: { path: string; lines: { begin: number } };
    }[];
    expect(findings.length).toBe(3);
    expect(new Set(findings.map((finding) => finding.fingerprint)).size).toBe(3);
    for (const finding of findings) expect(finding.location.path).toBe("drivers/reported/reported.c");
    const error = findings.find((finding) => finding.severity === "major")!;
    expect(error.location.lines.begin).toBe(5);
    expect(error.description.startsWith(`${kernel612().release}: `)).toBe(true);
    expect(findings.filter((finding) => finding.severity === "minor").map((finding) => finding.check_name)).toEqual([
      "-Wunused-variable",
      "-Wunused-variable",
    ]);
  });

  it("reports a kernel skipped by the gates as a <skipped> test case with the reason", async () => {
    const dir = join(repo, "drivers", "gated");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "Makefile"), "obj-m += gated.o\n");
    writeFileSync(join(dir, "gated.c"), moduleSource("gated"));
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ gates: { maxKernel: "6.1" } }));
    const gated = await runKforge(["build", dir, "--kernel", kernel612().release, "--junit", file("gated.xml")]);
    expect(gated.exitCode, gated.stderr).toBe(0);
    const root = (
      new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@" }).parse(readFileSync(file("gated.xml"), "utf8")) as Record<
        string,
        any
      >
    ).testsuites;
    expect(root["@failures"]).toBe("0");
    const suite = asList<any>(root.testsuite)[0];
    expect(suite["@skipped"]).toBe("1");
    expect(asList<any>(suite.testcase)[0].skipped["@message"]).toBe(`kernel ${kernel612().release} is newer than the gate's maximum 6.1`);
  });
});
