// After a real two-kernel matrix build, deps (and with it the loader's module lookup) and info find each
// kernel's artifact in .kforge/build/<release>/, and a later single-kernel build uses that same tree:
// each kernel's build has one location (src/project/build-location.ts).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

let dir = "";
afterAll(() => removeDir(dir));

interface DepsJson {
  kernel: string;
  vermagicProblems: { module: string; problem: string }[];
}

interface InfoJson {
  path: string;
  vermagic: string;
  vermagicProblem: string | null;
}

const info = async (release: string) => {
  const result = await runKforge(["info", "picked.ko", "--kernel", release, "--json"], { cwd: dir });
  expect(result.exitCode, result.stderr).toBe(0);
  return { stderr: result.stderr, report: JSON.parse(result.stdout) as InfoJson };
};

const deps = async (release: string) => {
  const result = await runKforge(["deps", dir, "--kernel", release, "--json"]);
  return { exitCode: result.exitCode, stderr: result.stderr, report: result.stdout ? (JSON.parse(result.stdout) as DepsJson) : undefined };
};

describe("finding a matrix build's artifact per kernel (real kbuild)", () => {
  it("uses the selected kernel's tree when there is no newer in-place build", async () => {
    dir = createModuleDir({ Makefile: "obj-m += picked.o\n", "picked.c": moduleSource("picked") });
    const built = await runKforge(["build", dir, "--kernel", kernel61().release, "--kernel", kernel612().release], { timeoutMs: 300_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    for (const release of [kernel61().release, kernel612().release]) {
      const { exitCode, stderr, report } = await deps(release);
      expect(exitCode, stderr).toBe(0);
      expect(report!.vermagicProblems).toEqual([]);
      const shown = await info(release);
      expect(shown.report.path).toBe(join(dir, ".kforge", "build", release, "picked.ko"));
      expect(shown.report.vermagic.split(" ")[0]).toBe(release);
      expect(shown.report.vermagicProblem).toBeNull();
      expect(shown.stderr).toContain(`kforge: ${release}'s newest build of picked.ko is in its matrix tree: ${shown.report.path}`);
    }

    // A single-kernel build for 6.12 finds its build in its tree, up to date: nothing is built in place,
    // and 6.1's lookups still find 6.1's own build.
    const single = await runKforge(["build", dir, "--kernel", kernel612().release, "--json"], { timeoutMs: 300_000 });
    expect(single.exitCode, single.stderr).toBe(0);
    const kernel = JSON.parse(single.stdout).kernels[0] as { upToDate: boolean; artifacts: { path: string }[] };
    expect(kernel.upToDate).toBe(true);
    expect(kernel.artifacts[0]!.path).toBe(join(dir, ".kforge", "build", kernel612().release, "picked.ko"));
    expect(existsSync(join(dir, "picked.ko"))).toBe(false);
    const still = await deps(kernel61().release);
    expect(still.exitCode, still.stderr).toBe(0);
    expect(still.report!.vermagicProblems).toEqual([]);
  });
});
