// --coverage in the project model: the make settings gain GCOV_PROFILE=y (on the command line, never
// in the user's Kbuild), the report settings resolve flag over kforge.json over default with each
// path relative to where it was written, and the report flags without --coverage are refused.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openProject } from "../../src/project/project.js";

const dir = mkdtempSync(join(tmpdir(), "kforge-coverage-settings-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const open = (flags: Record<string, unknown>, cwd = "/somewhere") => openProject({ dir, flags, cwd, env: {} });

describe("coverage settings", () => {
  it("builds with GCOV_PROFILE=y after kforge.json's variables, only with --coverage", async () => {
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ make: { variables: { A: "1" } } }));
    expect((await open({ coverage: true })).make.variables).toEqual(["A=1", "GCOV_PROFILE=y"]);
    const plain = await open({});
    expect(plain.make.variables).toEqual(["A=1"]);
    expect(plain.coverage).toBeUndefined();
  });

  it("writes lcov and Cobertura to the default dir unless told, a flag's path from cwd, kforge.json's from the module dir", async () => {
    writeFileSync(join(dir, "kforge.json"), "{}");
    expect((await open({ coverage: true })).coverage).toEqual({ formats: ["lcov", "cobertura"] });
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ coverage: { formats: ["html"], output: "reports" } }));
    expect((await open({ coverage: true })).coverage).toEqual({ formats: ["html"], output: join(dir, "reports") });
    const flagged = await open({ coverage: true, coverageFormat: ["lcov", "lcov"], coverageOutput: "out" }, "/work");
    expect(flagged.coverage).toEqual({ formats: ["lcov"], output: "/work/out" });
  });

  it("refuses the report flags without --coverage, and an unknown format in kforge.json", async () => {
    writeFileSync(join(dir, "kforge.json"), "{}");
    await expect(open({ coverageOutput: "out" })).rejects.toThrow(
      "--coverage-output sets up coverage reports, but --coverage was not given",
    );
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ coverage: { formats: ["xml"] } }));
    await expect(open({ coverage: true })).rejects.toThrow(
      'kforge.json: coverage.formats must be a list of "lcov", "cobertura", "html", got ["xml"]',
    );
  });
});
