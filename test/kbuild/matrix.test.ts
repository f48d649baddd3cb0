// Real matrix builds through the CLI against the two installed kernels: per-kernel trees, distinct
// vermagic, a clean source dir, one failure not stopping the other, per-kernel no-op.
import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planMatrix } from "../../src/kbuild/matrix.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(removeDir));

// Builds on both kernels, taking a different branch on each side of 6.4.
const GUARDED = `#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define GUARD_SIDE "new"
#else
#define GUARD_SIDE "old"
#endif
MODULE_INFO(guard_side, GUARD_SIDE);
`;
const OLD_ONLY = `#include <linux/version.h>
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#error "needs a kernel before 6.4"
#endif
`;

interface JsonKernel {
  release: string;
  ok: boolean;
  upToDate: boolean;
  artifacts: { module: string; path: string; vermagic: string }[];
  diagnostics: { severity: string; file: string; line: number; message: string }[];
}

const kernelFlags = () => ["--kernel", kernel61().release, "--kernel", kernel612().release];

describe("matrix build (real kbuild, two kernels)", () => {
  it("builds for both kernels in separate trees with their own vermagic, " +
    "leaves the source dir clean, and is a no-op the second time", async () => {
    const dir = track(createModuleDir({ Makefile: "obj-m += guarded.o\n", "guarded.c": moduleSource("guarded", GUARDED) }));
    const first = await runKforge(["build", dir, ...kernelFlags(), "--json"], { timeoutMs: 300_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    const report = JSON.parse(first.stdout) as { ok: boolean; kernels: JsonKernel[] };
    expect(report.ok).toBe(true);
    expect(report.kernels.map((kernel) => kernel.release).sort()).toEqual([kernel61().release, kernel612().release].sort());
    for (const kernel of report.kernels) {
      expect(kernel.artifacts).toHaveLength(1);
      expect(kernel.artifacts[0]!.path).toBe(join(dir, ".kforge", "build", kernel.release, "guarded.ko"));
      expect(kernel.artifacts[0]!.vermagic.startsWith(`${kernel.release} `)).toBe(true);
    }
    expect(readdirSync(dir).sort()).toEqual([".kforge", "Makefile", "guarded.c"]);

    const again = await runKforge(["build", dir, ...kernelFlags(), "--json"], { timeoutMs: 300_000 });
    expect(again.exitCode, again.stderr).toBe(0);
    expect((JSON.parse(again.stdout) as { kernels: JsonKernel[] }).kernels.map((kernel) => kernel.upToDate)).toEqual([true, true]);

    // A source change reaches every kernel's tree through its link.
    writeFileSync(join(dir, "guarded.c"), moduleSource("guarded", `${GUARDED}MODULE_INFO(changed, "yes");\n`));
    const changed = await runKforge(["build", dir, ...kernelFlags(), "--json"], { timeoutMs: 300_000 });
    expect((JSON.parse(changed.stdout) as { kernels: JsonKernel[] }).kernels.map((kernel) => kernel.upToDate)).toEqual([false, false]);
  }, 600_000);

  it("a module that builds only on 6.1 gives one success, one " +
    "failure with the diagnostic, a kernel × module table and exit 1", async () => {
    const dir = track(createModuleDir({ Makefile: "obj-m += oldonly.o\n", "oldonly.c": moduleSource("oldonly", OLD_ONLY) }));
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ kernel: [kernel61().release, kernel612().release] }));
    const result = await runKforge(["build", dir], { timeoutMs: 300_000 });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("1 of 2 kernels failed");
    expect(result.stderr).toContain('#error "needs a kernel before 6.4"');
    const rows = result.stderr
      .split("\n")
      .filter((line) => line.startsWith(`  ${kernel61().release} `) || line.startsWith(`  ${kernel612().release} `));
    expect(rows.find((row) => row.includes(kernel61().release))).toMatch(/oldonly\s+ok\s+0\s+0/);
    expect(rows.find((row) => row.includes(kernel612().release))).toMatch(/\(all\)\s+failed\s+0\s+1/);
    expect(existsSync(join(dir, ".kforge", "build", kernel61().release, "oldonly.ko"))).toBe(true);
    expect(existsSync(join(dir, "oldonly.o"))).toBe(false);
  }, 600_000);

  it("--kdir with several kernels is a usage error", async () => {
    const dir = track(createModuleDir({ Makefile: "obj-m += unused.o\n", "unused.c": moduleSource("unused") }));
    const result = await runKforge(["build", dir, ...kernelFlags(), "--kdir", kernel61().kdir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--kdir names one build tree");
  });
});

describe("planMatrix", () => {
  it("splits the CPUs between the kernels without oversubscribing them", () => {
    expect(planMatrix(3, 2)).toEqual({ concurrency: 2, jobs: 1 });
    expect(planMatrix(2, 8)).toEqual({ concurrency: 2, jobs: 4 });
    expect(planMatrix(1, 2)).toEqual({ concurrency: 1, jobs: 2 });
    expect(planMatrix(2, 2, 3)).toEqual({ concurrency: 2, jobs: 3 });
  });
});
