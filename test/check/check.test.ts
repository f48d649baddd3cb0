// `kforge check` through the real CLI on a module seeded with exactly one finding per checker
// (test/fixtures/check/seeded/seeded.c), in a git repository whose module sits in a subdir: real
// checkpatch.pl and semantic patches (linux-source-6.12 in kforge's cache), real sparse, kbuild and
// spatch. The same four findings, at the same lines, in text, JSON, GitHub workflow commands, GitLab
// Code Quality and SARIF (validated against the SARIF 2.1.0 schema).
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import AjvDraft04 from "ajv-draft-04";
import ajvFormats from "ajv-formats";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { fixturePath, readFixture } from "../helpers/fixtures.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";

const repo = mkdtempSync(join(tmpdir(), "kforge-check-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const moduleDir = join(repo, "drivers", "seeded");
mkdirSync(moduleDir, { recursive: true });
cpSync(fixturePath("check/seeded"), moduleDir, { recursive: true });
execFileSync("git", ["init", "-q", repo]);

// No annotations unless a test asks for them, whatever CI runs this.
const check = (args: string[], env: Record<string, string> = {}, timeoutMs = 400_000): Promise<CliResult> =>
  runKforge(["check", "drivers/seeded", ...args], { cwd: repo, env: { GITHUB_ACTIONS: "", ...env }, timeoutMs });

interface JsonFinding {
  checker: string;
  rule: string;
  severity: string;
  file: string;
  line: number;
  column: number | null;
  message: string;
}

// The seeded findings, as `kforge check --json` names them (paths relative to the module dir).
const SEEDED: JsonFinding[] = [
  {
    checker: "sparse",
    rule: "dereference-of-noderef-expression",
    severity: "warning",
    file: "seeded.c",
    line: 15,
    column: 10,
    message: "dereference of noderef expression",
  },
  {
    checker: "coccinelle",
    rule: "api/memdup",
    severity: "warning",
    file: "seeded.c",
    line: 22,
    column: 9,
    message: "opportunity for kmemdup",
  },
  {
    checker: "w1",
    rule: "-Wunused-but-set-variable",
    severity: "warning",
    file: "seeded.c",
    line: 31,
    column: 6,
    message: "variable 'unused' set but not used",
  },
  {
    checker: "checkpatch",
    rule: "SPACING",
    severity: "error",
    file: "seeded.c",
    line: 41,
    column: null,
    message: "space required before the open parenthesis '('",
  },
];

describe("kforge check on a module with one finding per checker", () => {
  const out = join(repo, "reports");
  const summary = join(repo, "step-summary.md");
  let full: CliResult;
  beforeAll(async () => {
    // reports/ does not exist: kforge makes it.
    full = await check(
      [
        "-k",
        kernel612().release,
        "--json",
        "--sarif",
        "reports/check.sarif",
        "--codequality",
        "reports/codequality.json",
        "--annotations",
        "github",
      ],
      { GITHUB_STEP_SUMMARY: summary },
    );
  }, 420_000);

  it("finds exactly the seeded findings, fails on the checkpatch error, and says which checkers ran on what", () => {
    expect(full.exitCode, full.stderr).toBe(1);
    const report = JSON.parse(full.stdout);
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual(SEEDED);
    expect(report.files).toEqual(["seeded.c"]);
    expect(report.checkers.map((checker: { name: string; status: string; findings: number }) => [checker.name, checker.status])).toEqual([
      ["checkpatch", "ran"],
      ["sparse", "ran"],
      ["w1", "ran"],
      ["coccinelle", "ran"],
    ]);
    const coccinelle = report.checkers.find((checker: { name: string }) => checker.name === "coccinelle");
    expect(coccinelle.checked).toBeGreaterThan(60);
    // Patches whose tokens seeded.c lacks are not started; api/memdup's are there, and it reported.
    expect(coccinelle.notStarted).toBeGreaterThan(20);
    expect(coccinelle.notStarted).toBeLessThan(coccinelle.checked - 20);
    expect(coccinelle.origin).toBe("linux-source-6.12 in kforge's cache");
    // Nothing but kforge's own tree was written into the module dir.
    expect(readdirSync(moduleDir).sort()).toEqual([".kforge", "Makefile", "seeded.c"]);
  });

  it("prints one GitHub workflow command per finding (on stderr with --json), repository-relative", () => {
    const commands = full.stderr.split("\n").filter((line) => line.startsWith("::"));
    expect(commands).toEqual([
      "::warning file=drivers/seeded/seeded.c,line=15,col=10,title=sparse " +
        "dereference-of-noderef-expression::dereference of noderef expression",
      "::warning file=drivers/seeded/seeded.c,line=22,col=9,title=coccinelle api/memdup::opportunity for kmemdup",
      "::warning file=drivers/seeded/seeded.c,line=31,col=6,title=w1 -Wunused-but-set-variable::variable 'unused' set but not used",
      "::error file=drivers/seeded/seeded.c,line=41,title=checkpatch SPACING::space required before the open parenthesis '('",
    ]);
    const markdown = readFileSync(summary, "utf8");
    expect(markdown).toContain(`### kforge check drivers/seeded (${kernel612().release})`);
    expect(markdown).toContain("**4 findings**: failed (fails on: error)");
    expect(markdown).toContain("| checkpatch.pl | 1 | 1 | 0 | ran |");
  });

  it("writes a GitLab Code Quality report of the same findings", () => {
    const issues = JSON.parse(readFileSync(join(out, "codequality.json"), "utf8"));
    expect(
      issues.map((issue: { check_name: string; severity: string; location: { path: string; lines: { begin: number } } }) => [
        issue.check_name,
        issue.severity,
        issue.location.path,
        issue.location.lines.begin,
      ]),
    ).toEqual([
      ["sparse/dereference-of-noderef-expression", "minor", "drivers/seeded/seeded.c", 15],
      ["coccinelle/api/memdup", "minor", "drivers/seeded/seeded.c", 22],
      ["w1/-Wunused-but-set-variable", "minor", "drivers/seeded/seeded.c", 31],
      ["checkpatch/SPACING", "major", "drivers/seeded/seeded.c", 41],
    ]);
    expect(new Set(issues.map((issue: { fingerprint: string }) => issue.fingerprint)).size).toBe(4);
  });

  it("writes SARIF that the SARIF 2.1.0 schema accepts, one run per checker, with the same results", () => {
    const sarif = JSON.parse(readFileSync(join(out, "check.sarif"), "utf8"));
    // Both are CommonJS with the export also on .default, which is what TypeScript sees. The schema's
    // language pattern is not valid as a Unicode regular expression: compile patterns as JSON Schema draft-04 did.
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(readFixture("check/sarif-2.1.0-rtm.5.schema.json")));
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    // A broken report must fail the same validation: the check can fail.
    expect(validate({ ...sarif, version: "2.0.0" })).toBe(false);
    const results = sarif.runs.flatMap(
      (run: { tool: { driver: { name: string } }; results: { ruleId: string; level: string; locations: any[] }[] }) =>
        run.results.map((result) => [
          run.tool.driver.name,
          result.ruleId,
          result.level,
          result.locations[0].physicalLocation.artifactLocation.uri,
          result.locations[0].physicalLocation.region.startLine,
        ]),
    );
    expect(results).toEqual([
      ["checkpatch", "SPACING", "error", "drivers/seeded/seeded.c", 41],
      ["sparse", "dereference-of-noderef-expression", "warning", "drivers/seeded/seeded.c", 15],
      ["w1", "-Wunused-but-set-variable", "warning", "drivers/seeded/seeded.c", 31],
      ["coccinelle", "api/memdup", "warning", "drivers/seeded/seeded.c", 22],
    ]);
    expect(sarif.runs.every((run: { invocations: { executionSuccessful: boolean }[] }) => run.invocations[0]!.executionSuccessful)).toBe(
      true,
    );
  });

  it("shows findings as text with their source lines, runs only the patches kforge.json names, none whose tokens are absent", async () => {
    writeFileSync(join(moduleDir, "kforge.json"), JSON.stringify({ check: { semanticPatches: ["api/memdup", "api/vma_pages"] } }));
    try {
      const text = await check(["-k", kernel612().release]);
      expect(text.exitCode, text.stderr).toBe(1);
      expect(text.stdout).toContain(
        [
          "seeded.c",
          "  15:10   warning sparse: dereference of noderef expression",
          "      15 |         return *address;",
          "         |                 ^",
          "  22:9    warning coccinelle: opportunity for kmemdup [api/memdup]",
          "      22 |         copy = kmalloc(length, GFP_KERNEL);",
          "         |                ^",
          "  In function 'seeded_count':",
          "  31:6    warning variable 'unused' set but not used [-Wunused-but-set-variable]",
        ].join("\n"),
      );
      expect(text.stdout).toContain("  41      error   checkpatch: space required before the open parenthesis '(' [SPACING]");
      expect(text.stdout).toMatch(/coccicheck \(MODE=report\) +2 semantic patches \(1 not started: no file has their tokens\), 1 finding/);
      expect(text.stdout).toContain(
        `failed: kforge check seeded for ${kernel612().release}: 1 error, 3 warnings, 0 notes (fails on: error;`,
      );
    } finally {
      rmSync(join(moduleDir, "kforge.json"));
    }
  }, 300_000);

  it("finds the kbuild checkers' findings on 6.1 too, and passes when warnings do not fail the run", async () => {
    const result = await check(["-k", kernel61().release, "--checker", "sparse,w1", "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).findings).toEqual(SEEDED.filter((finding) => ["sparse", "w1"].includes(finding.checker)));
  }, 300_000);
});

// A PATH with every program of this machine's PATH but spatch: a machine without coccinelle.
function pathWithout(program: string): string {
  const farm = join(repo, "path-without-spatch");
  mkdirSync(farm, { recursive: true });
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    for (const name of (() => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    })()) {
      if (name === program) continue;
      try {
        symlinkSync(join(dir, name), join(farm, name));
      } catch {
        // an earlier PATH entry already provides it
      }
    }
  }
  return farm;
}

describe("kforge check when a checker is missing", () => {
  it("names the Debian package in a notice and runs the others", async () => {
    const result = await check(["-k", kernel612().release, "--json"], { PATH: pathWithout("spatch") });
    expect(result.exitCode, result.stderr).toBe(1);
    expect(result.stderr).toContain(
      "kforge: notice: coccinelle did not run: spatch is not installed (Debian package coccinelle: apt-get install coccinelle)",
    );
    const report = JSON.parse(result.stdout);
    expect(report.findings).toEqual(SEEDED.filter((finding) => finding.checker !== "coccinelle"));
    expect(report.checkers.find((checker: { name: string }) => checker.name === "coccinelle")).toMatchObject({
      status: "missing",
      missing: { reason: "spatch is not installed", debianPackage: "coccinelle" },
    });
  }, 300_000);

  it("fails with exit 2 and the package when the missing checker was asked for, before building anything", async () => {
    rmSync(join(moduleDir, ".kforge"), { recursive: true, force: true });
    const result = await check(["-k", kernel612().release, "--checker", "coccinelle"], { PATH: pathWithout("spatch") });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("kforge: error: a checker that was asked for cannot run: coccinelle (spatch is not installed)");
    expect(result.stderr).toContain("hint: apt-get install coccinelle");
    expect(readdirSync(moduleDir)).not.toContain(".kforge");
  });
});

// Stand-ins for sparse that cannot be had for real: one that hangs, one that crashes. kbuild runs
// whatever CHECK= names, so they go in as the kernel's own mechanism for choosing the checker.
function fakeSparse(name: string, body: string): string {
  const path = join(repo, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("kforge check when a checker hangs or crashes", () => {
  it("stops a hung checker at the time limit, with every process it started, and shows what it said", async () => {
    const hang = fakeSparse("hanging-sparse", 'echo "fake sparse: stuck on the last of $#" >&2\nexec sleep 600');
    const result = await check(["-k", kernel612().release, "--checker", "sparse", "--timeout", "20", "--", `CHECK=${hang}`]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("kforge: error: sparse: make C=2 (sparse) did not finish within 20 s and was stopped");
    expect(result.stderr).toMatch(/\| fake sparse: stuck on the last of \d+/);
    expect(result.stdout).toMatch(/sparse \(C=2\) +1 object, 0 findings, 1 run failed/);
    expect(leftoverProcesses(hang)).toBe("");
  }, 300_000);

  it("reports a crashed checker with its stderr and fails the run", async () => {
    const crash = fakeSparse("crashing-sparse", 'echo "fake sparse: internal error: out of memory" >&2\nexit 3');
    const result = await check(["-k", kernel612().release, "--checker", "sparse", "--json", "--", `CHECK=${crash}`]);
    expect(result.exitCode).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(false);
    const sparse = report.checkers[0];
    expect(sparse.status).toBe("failed");
    expect(sparse.failures[0].reason).toBe("exited with 2");
    expect(sparse.failures[0].output).toContain("fake sparse: internal error: out of memory");
    expect(result.stderr).toContain("kforge: error: sparse: make C=2 (sparse) exited with 2");
  }, 300_000);
});

describe("kforge check with bad input", () => {
  it("refuses an unknown checker and an unwritable report before building anything", async () => {
    rmSync(join(moduleDir, ".kforge"), { recursive: true, force: true });
    const unknown = await check(["-k", kernel612().release, "--checker", "sparce"]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toContain('kforge: error: unknown checker "sparce"');
    expect(unknown.stderr).toContain("hint: did you mean sparse?");
    // A folder on the way is a file: refused up front (missing folders would be made).
    const unwritable = await check(["-k", kernel612().release, "--json", "--sarif", "drivers/seeded/Makefile/check.sarif"]);
    expect(unwritable.exitCode).toBe(2);
    expect(unwritable.stderr).toContain(`--sarif ${join(moduleDir, "Makefile", "check.sarif")} cannot be written`);
    expect(JSON.parse(unwritable.stdout)).toMatchObject({
      ok: false,
      error: { hint: expect.stringContaining("a folder you can write to") },
    });
    expect(readdirSync(moduleDir)).not.toContain(".kforge");
  });
});
