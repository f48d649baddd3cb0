// Real QEMU (TCG) boots after a real two-kernel matrix build: `kforge vm --kernel <release>` uses that
// kernel's own artifact from .kforge/build/<release>/ (up to date, nothing built in the source dir) and
// loads it in the guest. One boot per kernel.
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "../kbuild/modules.js";

const dir = createModuleDir({ Makefile: "obj-m += treeko.o\n", "treeko.c": moduleSource("treeko") });
afterAll(() => removeDir(dir));

describe("kforge vm after a matrix build (real kbuild, real boots)", () => {
  it("boots each kernel with the artifact from its own tree", async () => {
    const built = await runKforge(["build", dir, "--kernel", kernel61().release, "--kernel", kernel612().release], { timeoutMs: 300_000 });
    expect(built.exitCode, built.stderr).toBe(0);
    for (const release of [kernel61().release, kernel612().release]) {
      const outcome = await runKforge(
        ["vm", dir, "--json", "--kernel", release, "--accel", "tcg", "--exec", "grep -c treeko /proc/modules"],
        { timeoutMs: 240_000 },
      );
      expect(outcome.exitCode, outcome.stderr).toBe(0);
      const result = JSON.parse(outcome.stdout) as VmResult;
      expect(result.steps.map((step) => `${step.kind} ${step.exitCode === 0 ? "ok" : "failed"}`)).toEqual([
        "load ok",
        "exec ok",
        "unload ok",
      ]);
      expect(outcome.stderr).toContain(`modules up to date: treeko for ${release}`);
    }
    expect(readdirSync(dir).sort()).toEqual([".kforge", "Makefile", "treeko.c"]);
  }, 600_000);
});
