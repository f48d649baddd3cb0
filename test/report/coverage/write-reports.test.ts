// Report files: where they go, each written whole (no partial file left), HTML through the real
// genhtml, and an html/ dir kforge did not write never replaced.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CoverageReport, tallyFile, sumTotals } from "../../../src/coverage/model.js";
import { checkReportTarget, coverageOutputDir, writeCoverageReports } from "../../../src/report/coverage/write-reports.js";

const root = mkdtempSync(join(tmpdir(), "kforge-coverage-reports-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

writeFileSync(join(root, "mod.c"), "int f(void)\n{\n\treturn 1;\n}\n");
const file = tallyFile(
  "mod.c",
  [
    { line: 1, count: 3 },
    { line: 3, count: 3, branches: [3, 0] },
  ],
  [{ name: "f", line: 1, calls: 3, lines: { hit: 2, total: 2 }, branches: { hit: 1, total: 2 } }],
);
const report: CoverageReport = { release: "r1", dir: root, partial: false, files: [file], totals: sumTotals([file]) };

describe("coverageOutputDir", () => {
  it("is .kforge/coverage/<release>/ by default, the chosen dir for one kernel, <dir>/<release>/ for several", () => {
    expect(coverageOutputDir({ dir: "/m", release: "r1", several: false })).toBe("/m/.kforge/coverage/r1");
    expect(coverageOutputDir({ dir: "/m", release: "r1", output: "/out", several: false })).toBe("/out");
    expect(coverageOutputDir({ dir: "/m", release: "r1", output: "/out", several: true })).toBe("/out/r1");
  });
});

describe("writeCoverageReports", () => {
  it("writes lcov, Cobertura and genhtml's HTML, leaving no partial file behind", async () => {
    const out = join(root, "out");
    const written = await writeCoverageReports({ report, outputDir: out, formats: ["lcov", "cobertura", "html"], version: "0.0.0" });
    expect(written).toEqual({ lcov: join(out, "lcov.info"), cobertura: join(out, "cobertura.xml"), html: join(out, "html") });
    expect(readdirSync(out).sort()).toEqual(["cobertura.xml", "html", "lcov.info"]);
    expect(readFileSync(join(out, "lcov.info"), "utf8")).toContain(`SF:${join(root, "mod.c")}\n`);
    expect(readFileSync(join(out, "html", "index.html"), "utf8")).toContain("kforge coverage, r1");
    expect(existsSync(join(out, "html", ".kforge-coverage"))).toBe(true);
    // Its own html/ is replaced on the next run.
    await writeCoverageReports({ report, outputDir: out, formats: ["html"], version: "0.0.0" });
    expect(readdirSync(out).sort()).toEqual(["cobertura.xml", "html", "lcov.info"]);
  }, 60_000);

  it("never replaces an html/ dir it did not write, and says so before any run", async () => {
    const out = join(root, "users");
    mkdirSync(join(out, "html"), { recursive: true });
    writeFileSync(join(out, "html", "index.html"), "mine");
    await expect(checkReportTarget(out, ["lcov", "html"])).rejects.toThrow(`${join(out, "html")} exists and kforge did not write it`);
    await expect(checkReportTarget(out, ["lcov"])).resolves.toBeUndefined();
    await expect(writeCoverageReports({ report, outputDir: out, formats: ["html"], version: "0.0.0" })).rejects.toThrow(
      "kforge did not write it",
    );
    expect(readFileSync(join(out, "html", "index.html"), "utf8")).toBe("mine");
    expect(readdirSync(out)).toEqual(["html"]);
  });
});
