// Real builds against the two installed kernels with gates: the kernel outside the gate is reported as
// skipped with its reason (table and --json) and never counted as a failure.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const kernelFlags = () => ["--kernel", kernel61().release, "--kernel", kernel612().release];
const newModuleDir = (name: string) => {
  const dir = createModuleDir({ Makefile: `obj-m += ${name}.o\n`, [`${name}.c`]: moduleSource(name) });
  dirs.push(dir);
  return dir;
};

interface JsonKernel {
  release: string;
  ok: boolean;
  skipped?: boolean;
  reason?: string;
  artifacts: { path: string }[];
}

describe("gates in real builds", () => {
  it("skips the kernel above kforge.json's maxKernel in a two-kernel matrix, with the reason, exit 0", async () => {
    const dir = newModuleDir("gated");
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ gates: { maxKernel: "6.1", config: ["CONFIG_MODULES"] } }));
    const result = await runKforge(["build", dir, ...kernelFlags(), "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; kernels: JsonKernel[] };
    expect(report.ok).toBe(true);
    const built = report.kernels.find((kernel) => kernel.release === kernel61().release)!;
    const skipped = report.kernels.find((kernel) => kernel.release === kernel612().release)!;
    expect(built.skipped).toBeUndefined();
    expect(built.artifacts[0]!.path).toBe(join(dir, ".kforge", "build", kernel61().release, "gated.ko"));
    expect(skipped).toMatchObject({ ok: true, skipped: true, artifacts: [] });
    expect(skipped.reason).toBe(`kernel ${kernel612().release} is newer than the gate's maximum 6.1`);

    // The table shows the skip too, and the headline counts it apart from failures.
    const table = await runKforge(["build", dir, ...kernelFlags()], { timeoutMs: 300_000 });
    expect(table.exitCode, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/built for 1 kernels, 1 skipped by gates/);
    const row = table.stdout.split("\n").find((line) => line.trim().startsWith(kernel612().release));
    expect(
      row
        ?.trim()
        .split(/\s{2,}/)
        .slice(1),
    ).toEqual(["(all)", `skipped: kernel ${kernel612().release} is newer than the gate's maximum 6.1`]);
  });

  it("reads dkms.conf's BUILD_EXCLUSIVE_KERNEL when kforge.json has no gates, and fails a run it leaves empty", async () => {
    const dir = newModuleDir("dkmsgated");
    writeFileSync(
      join(dir, "dkms.conf"),
      'PACKAGE_NAME="dkmsgated"\nBUILD_EXCLUSIVE_KERNEL="^6\\.1\\."\nBUILD_EXCLUSIVE_CONFIG="!CONFIG_PREEMPT_RT"\n',
    );
    // Every kernel asked for is outside dkms.conf's gate: nothing is built, and CI must not go green.
    const single = await runKforge(["build", dir, "--kernel", kernel612().release, "--json"], { timeoutMs: 300_000 });
    expect(single.exitCode, single.stderr).toBe(1);
    expect(JSON.parse(single.stdout)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^nothing was built/) } });
    expect(single.stderr).toContain(
      `kforge: error: nothing was built: kernel ${kernel612().release} was skipped by dkms.conf's BUILD_EXCLUSIVE_* gates ` +
        `(kernel ${kernel612().release} does not match BUILD_EXCLUSIVE_KERNEL ^6\\.1\\.)`,
    );
    expect(single.stderr).toMatch(/hint: .*--allow-skip/);

    // Asked for explicitly, the skip is the result: exit 0 with the reason.
    const plain = await runKforge(["build", dir, "--kernel", kernel612().release, "--allow-skip"], { timeoutMs: 300_000 });
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(plain.stderr).toContain(
      `kforge: skipped ${kernel612().release}: kernel ${kernel612().release} does not match BUILD_EXCLUSIVE_KERNEL`,
    );

    const allowed = await runKforge(["build", dir, "--kernel", kernel61().release, "--json"], { timeoutMs: 300_000 });
    expect(allowed.exitCode, allowed.stderr).toBe(0);
    expect((JSON.parse(allowed.stdout) as { kernels: JsonKernel[] }).kernels[0]!.artifacts[0]!.path).toBe(join(dir, "dkmsgated.ko"));
  });

  it("fails kforge test before any guest boots when dkms.conf's gates skip every kernel", async () => {
    const dir = newModuleDir("oldonly");
    writeFileSync(join(dir, "dkms.conf"), 'PACKAGE_NAME="oldonly"\nBUILD_EXCLUSIVE_KERNEL="^5\\."\n');
    const tested = await runKforge(["test", dir, "--vm", ...kernelFlags()]);
    expect(tested.exitCode, tested.stderr).toBe(1);
    expect(tested.stderr).toContain("kforge: error: nothing was built: all 2 kernels were skipped by dkms.conf's BUILD_EXCLUSIVE_* gates");
    const allowed = await runKforge(["test", dir, "--vm", ...kernelFlags(), "--allow-skip"]);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
  });

  // A V4L2 driver's dkms.conf: the config gate is a message set under a shell if, which DKMS evaluates per
  // kernel. Real DKMS builds both kernels here, and so must kforge (it once skipped every kernel, exit 0).
  it("builds every kernel when dkms.conf sets its gates only under shell conditionals, with a notice", async () => {
    const dir = newModuleDir("v4l2shape");
    writeFileSync(
      join(dir, "dkms.conf"),
      [
        'PACKAGE_NAME="v4l2shape"',
        'PACKAGE_VERSION="0.3"',
        'if ! grep -qs "^CONFIG_VIDEO_V4L2=" "${kernel_source_dir}/.config"; then',
        '  BUILD_EXCLUSIVE_KERNEL="REQUIRES CONFIG_VIDEO_V4L2"',
        '  BUILD_EXCLUSIVE_CONFIG="REQUIRES CONFIG_VIDEO_V4L2"',
        "fi",
        "",
      ].join("\n"),
    );
    const result = await runKforge(["build", dir, ...kernelFlags(), "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as { ok: boolean; kernels: JsonKernel[] };
    expect(report.kernels.map((kernel) => [kernel.release, kernel.skipped ?? false, kernel.artifacts.length])).toEqual([
      [kernel61().release, false, 1],
      [kernel612().release, false, 1],
    ]);
    expect(result.stderr).toContain(
      "kforge: dkms.conf's BUILD_EXCLUSIVE_KERNEL is not applied: it is set under the shell `if` at line 3, " +
        "and kforge reads dkms.conf without running it; every kernel is built",
    );
    expect(result.stderr).toContain("dkms.conf's BUILD_EXCLUSIVE_CONFIG is not applied");
  });
});
