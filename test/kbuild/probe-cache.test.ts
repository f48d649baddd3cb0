// kbuild's compiler probes, cached by overriding try-run on the make command line: the override must
// answer exactly as kbuild's own try-run, and a cached build must compile with the same command line.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hasKnownTryRun, prepareProbeCache, tryRunOverride } from "../../src/kbuild/probe-cache.js";
import { runKforge } from "../helpers/cli.js";
import { foreignKernel61, kernel61, kernel612, type TestKernel } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const root = mkdtempSync(join(tmpdir(), "kforge-probe-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the try-run override", () => {
  it("answers like kbuild's try-run, also for probes with quotes, and remembers each answer", () => {
    const cache = mkdtempSync(join(root, "answers-"));
    const makefile = join(root, "probes.mk");
    writeFileSync(
      makefile,
      `${[
        `TMPOUT := ${join(root, ".tmp_probe")}`,
        "$(info ok=$(call try-run,true,yes,no))",
        "$(info fail=$(call try-run,false,yes,no))",
        "$(info quoted=$(call try-run,test 'a b' = \"a b\",yes,no))",
        '$(info file=$(call try-run,touch "$$TMP" && test -f "$$TMP",yes,no))',
        "all: ; @:",
      ].join("\n")}\n`,
    );
    const run = () => execFileSync("make", ["-s", "-f", makefile, tryRunOverride(cache)], { encoding: "utf8" });
    const expected = "ok=yes\nfail=no\nquoted=yes\nfile=yes\n";
    expect(run()).toBe(expected);
    expect(readdirSync(cache)).toHaveLength(4);
    expect(run()).toBe(expected); // now from the cache
    expect(
      readdirSync(cache)
        .map((name) => readFileSync(join(cache, name), "utf8"))
        .sort(),
    ).toEqual(["n", "y", "y", "y"]);
    // Damaged answers are not trusted: the probes run again and the answers are written again.
    for (const [index, name] of readdirSync(cache).entries()) writeFileSync(join(cache, name), index % 2 ? "" : "garbage\n");
    expect(run()).toBe(expected);
    expect(
      readdirSync(cache)
        .map((name) => readFileSync(join(cache, name), "utf8"))
        .sort(),
    ).toEqual(["n", "y", "y", "y"]);
  });
});

describe("hasKnownTryRun", () => {
  it("accepts the try-run of the installed 6.1 and 6.12 trees and refuses an older form", () => {
    for (const kernel of [kernel61(), kernel612()]) {
      expect(hasKnownTryRun(readFileSync(join(kernel.kdir, "scripts", "Makefile.compiler"), "utf8"))).toBe(true);
    }
    // Linux 5.4's scripts/Kbuild.include: other temp variables (TMPO), no Makefile.compiler at all.
    const older =
      'try-run = $(shell set -e;\t\\\n\tTMP="$(TMPOUT).$$$$.tmp";\t\\\n\tTMPO="$(TMPOUT).$$$$.o";\t\\\n' +
      '\tif ($(1)) >/dev/null 2>&1;\t\\\n\tthen echo "$(2)";\t\\\n\telse echo "$(3)";\t\\\n\tfi;\t\\\n\trm -f "$$TMP" "$$TMPO")';
    expect(hasKnownTryRun(older)).toBe(false);
    expect(hasKnownTryRun("")).toBe(false);
  });

  it("keys a cross build's answers by its cross toolchain too", async () => {
    const { kdir } = foreignKernel61("arm64");
    const environment = { ...process.env, XDG_CACHE_HOME: root };
    const native = await prepareProbeCache(kdir, environment);
    const cross = await prepareProbeCache(kdir, environment, { cross: { prefix: "aarch64-linux-gnu-", compiler: "gcc-12" } });
    const other = await prepareProbeCache(kdir, environment, { cross: { prefix: "aarch64-none-linux-gnu-", compiler: "gcc-12" } });
    expect(new Set([native, cross, other]).size).toBe(3);
    expect(await prepareProbeCache(kdir, environment, { cross: { prefix: "aarch64-linux-gnu-", compiler: "gcc-12" } })).toBe(cross);
  });
});

// The compiler command kbuild recorded for an object (first line of its .cmd file).
const compileCommand = (dir: string, object: string) => readFileSync(join(dir, `.${object}.o.cmd`), "utf8").split("\n")[0];

describe.each([kernel61(), kernel612()])("a build with cached probes for $release", (kernel: TestKernel) => {
  it("compiles with exactly the command an uncached build uses", async () => {
    const cacheHome = mkdtempSync(join(root, "xdg-"));
    const dir = createModuleDir({ Kbuild: "obj-m += probed.o\n", "probed.c": moduleSource("probed") });
    const build = async (env: Record<string, string>) => {
      const result = await runKforge(["build", dir, "--kernel", kernel.release, "--force"], { env: { XDG_CACHE_HOME: cacheHome, ...env } });
      expect(result.exitCode, result.stderr).toBe(0);
      return compileCommand(dir, "probed");
    };
    const uncached = await build({ KFORGE_NO_PROBE_CACHE: "1" });
    expect(existsSync(join(cacheHome, "kforge", "probes"))).toBe(false);
    const filling = await build({});
    const [probes] = readdirSync(join(cacheHome, "kforge", "probes"));
    expect(readdirSync(join(cacheHome, "kforge", "probes", probes!)).length).toBeGreaterThan(10);
    const cached = await build({});
    expect(filling).toBe(uncached);
    expect(cached).toBe(uncached);
    expect(readFileSync(join(dir, ".kforge/logs", kernel.release, "build.log"), "utf8")).toContain("try-run=");
    removeDir(dir);
  });
});
