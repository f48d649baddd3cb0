// Reproducible builds with real kbuild: the same module built in two different dirs with
// SOURCE_DATE_EPOCH set gives byte-identical .ko files for both installed kernels (matrix trees), while
// without it the dirs' paths in the debug info and __FILE__ make them differ.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const SOURCE = moduleSource("repro", "static const char repro_origin[] __used = __FILE__;\nMODULE_INFO(origin, __FILE__);\n");
const twoDirs = () =>
  [0, 1].map(() => {
    const dir = createModuleDir({ Makefile: "obj-m += repro.o\n", "repro.c": SOURCE });
    dirs.push(dir);
    return dir;
  });

describe("reproducible builds (real kbuild)", () => {
  it("gives byte-identical .ko files from two dirs with SOURCE_DATE_EPOCH, per kernel of a matrix build", async () => {
    const [first, second] = twoDirs();
    for (const dir of [first!, second!]) {
      const result = await runKforge(["build", dir, "--kernel", kernel61().release, "--kernel", kernel612().release], {
        timeoutMs: 300_000,
        env: { SOURCE_DATE_EPOCH: "1700000000" },
      });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    for (const release of [kernel61().release, kernel612().release]) {
      const ko = (dir: string) => readFileSync(join(dir, ".kforge", "build", release, "repro.ko"));
      expect(ko(first!).length).toBeGreaterThan(0);
      expect(ko(first!).equals(ko(second!)), release).toBe(true);
      expect(ko(first!).includes(first!)).toBe(false);
    }
  });

  it("differs without SOURCE_DATE_EPOCH, since the dirs' paths are compiled in", async () => {
    const [first, second] = twoDirs();
    const env = { SOURCE_DATE_EPOCH: undefined, KBUILD_BUILD_TIMESTAMP: undefined };
    for (const dir of [first!, second!]) {
      const result = await runKforge(["build", dir, "--kernel", kernel612().release], { timeoutMs: 300_000, env });
      expect(result.exitCode, result.stderr).toBe(0);
    }
    const ko = (dir: string) => readFileSync(join(dir, "repro.ko"));
    expect(ko(first!).includes(first!)).toBe(true);
    expect(ko(first!).equals(ko(second!))).toBe(false);
  });
});
