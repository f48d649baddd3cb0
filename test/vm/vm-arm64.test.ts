// Real qemu-system-aarch64 guests of Debian's arm64 6.1 kernel, and qemu-system-arm guests of its armmp
// and armmp-lpae ones (all fetched by scripts/setup.sh), under TCG, through the real CLI, with cross-built
// modules. One cold boot per kernel saves a guest state; the later runs restore it (an arm64 cold boot
// costs ~20 s under TCG, a restore 2-3 s). A private cache holds the states; the shared kernels are linked in,
// never written.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, cpSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { fetchedKernelDir } from "../../src/fs/cache-dir.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { armGuestAvailable, foreignKernel61, kernel61, releasePattern } from "../helpers/kernels.js";

const MODULES = new URL("../fixtures/vm/modules/", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "kforge-arm64-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, "cache");
mkdirSync(join(cache, "kforge"), { recursive: true });
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(cache, "kforge", "kernels"));
const states = () => readdirSync(join(cache, "kforge", "snapshots")).filter((name) => name.endsWith(".state"));

const available = {
  arm64: await armGuestAvailable("arm64"),
  armmp: await armGuestAvailable("armmp"),
  "armmp-lpae": await armGuestAvailable("armmp-lpae"),
};
const arm64 = available.arm64 ? foreignKernel61("arm64").release : "";
const armmp = available.armmp ? foreignKernel61("armmp").release : "";
const lpae = available["armmp-lpae"] ? foreignKernel61("armmp-lpae").release : "";

function createProject(name: string, source: string): string {
  const dir = join(root, name);
  cpSync(join(MODULES, source), join(dir, source.split("/").pop()!));
  writeFileSync(join(dir, "Kbuild"), `obj-m := ${source.split("/").pop()!.replace(/\.c$/, ".o")}\n`);
  return dir;
}

async function vm(dir: string, args: string[], release = arm64): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const run = await runKforge(["vm", dir, "--json", "--kernel", release, ...args], { env: { XDG_CACHE_HOME: cache }, timeoutMs: 150_000 });
  try {
    return { exitCode: run.exitCode, result: JSON.parse(run.stdout) as VmResult, stderr: run.stderr };
  } catch {
    throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
}

describe.runIf(available.arm64)("kforge vm on Debian's arm64 kernel (qemu-system-aarch64, TCG)", () => {
  it("boots, loads, tests and unloads a cross-built module, saving the guest for the next runs", async () => {
    const greet = createProject("greet", "greet/greet.c");
    const { exitCode, result } = await vm(greet, ["--exec", "uname -m; cat /sys/module/greet/parameters/count", "--", "count=3"]);
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({ ok: true, start: "booted", accel: "tcg", bootEntry: "image", release: arm64 });
    expect(result.steps.map((step) => [step.name, step.ok])).toEqual([
      ["insmod greet count=3", true],
      ["uname -m; cat /sys/module/greet/parameters/count", true],
      ["rmmod greet", true],
    ]);
    expect(result.steps[0]!.kernelLog).toContain("greet: hello world x3");
    expect(result.steps[1]!.output).toBe("aarch64\n3\n");
    expect(result.steps[2]!.kernelLog).toContain("greet: goodbye world");
    expect(result.taint).toMatchObject({ before: 0, after: 12288 });
    expect(states()).toHaveLength(1);
  });

  it("restores the saved guest and reports an arm64 oops with its function and source line", async () => {
    const oops = createProject("oops", "oops/oops.c");
    const { exitCode, result } = await vm(oops, []);
    expect(exitCode).toBe(1);
    expect(result.start).toBe("restored");
    expect(result.crashes).toMatchObject([
      { kind: "null-dereference", function: "oops_touch", module: "oops", source: "oops.c:8", step: "insmod oops" },
    ]);
    expect(result.crashes[0]!.title).toMatch(/^Unable to handle kernel NULL pointer dereference/);
    expect(result.steps[0]!.diagnosis?.kind).toBe("crashed");
  });

  it("restores the saved guest and ends a module whose init never returns at the time limit", async () => {
    const sleeper = createProject("sleeper", "sleeper/sleeper.c");
    const { exitCode, result } = await vm(sleeper, ["--timeout", "15"]);
    expect(exitCode).toBe(1);
    expect(result.start).toBe("restored");
    expect(result.end).toBe("module-init-hang");
    expect(result.diagnosis).toMatch(/module init never returned/);
    expect(result.skipped).toMatchObject([{ name: "rmmod sleeper", reason: "the run ended first (module-init-hang)" }]);
    expect(states()).toHaveLength(1);
  });

  it("refuses an x86_64 module for an arm64 guest before booting it, saying what to do", async () => {
    const greet = createProject("greet-x86", "greet/greet.c");
    const image = join(fetchedKernelDir(arm64), "boot", `vmlinuz-${arm64}`);
    const run = await runKforge(["vm", greet, "--kernel", kernel61().release, "--vm-kernel", image], {
      env: { XDG_CACHE_HOME: cache },
      timeoutMs: 60_000,
    });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/greet is built for x86_64, and the kernel is arm64: loading it would fail with "Invalid module format"/);
    expect(run.stderr).toMatch(/hint: boot a kernel of the module's architecture/);
  });
});

describe.runIf(available.armmp)("kforge vm on Debian's armmp kernel (qemu-system-arm, TCG)", () => {
  it("boots a 32-bit arm guest that loads, tests and unloads a module, then restores it for an oops with its line", async () => {
    const greet = createProject("greet-armhf", "greet/greet.c");
    const loaded = await vm(greet, ["--exec", "uname -m"], armmp);
    expect(loaded.exitCode).toBe(0);
    expect(loaded.result).toMatchObject({ ok: true, start: "booted", bootEntry: "image", release: armmp });
    expect(loaded.result.steps.map((step) => step.ok)).toEqual([true, true, true]);
    expect(loaded.result.steps[1]!.output).toBe("armv7l\n");
    const oops = createProject("oops-armhf", "oops/oops.c");
    const crashed = await vm(oops, [], armmp);
    expect(crashed.exitCode).toBe(1);
    expect(crashed.result.start).toBe("restored");
    expect(crashed.result.crashes).toMatchObject([{ function: "oops_touch", module: "oops", source: "oops.c:8", step: "insmod oops" }]);
  });
});

// The LPAE flavour (Large Physical Address Extension: 40-bit physical addresses, for Cortex-A7/A15-class
// boards) runs only on a CPU with LPAE: the virt machine's 32-bit "max" CPU has it (it is a Cortex-A15 with
// every optional feature), so the guest needs nothing of its own. One boot.
describe.runIf(available["armmp-lpae"])("kforge vm on Debian's armmp-lpae kernel (qemu-system-arm, TCG)", () => {
  it("refuses more RAM than the 32-bit virt machine addresses, then boots an LPAE guest that loads, tests and unloads", async () => {
    const greet = createProject("greet-lpae", "greet/greet.c");
    // QEMU itself would stop at start with "Addressing limited to 32 bits"; kforge says so before any boot.
    const refused = await runKforge(["vm", greet, "--kernel", lpae, "--memory", "4096"], {
      env: { XDG_CACHE_HOME: cache },
      timeoutMs: 120_000,
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/an arm guest takes at most 3072 MiB of RAM, and 4096 MiB was asked for/);
    expect(refused.stderr).toMatch(/hint: pass --memory 3072 or less/);
    expect(refused.stderr).not.toMatch(/booted|Addressing limited/);
    // A cold 32-bit boot under TCG takes 20 s idle and has failed the default limit under load.
    const { exitCode, result } = await vm(
      greet,
      ["--timeout", "120", "--exec", "uname -mr; grep -c -w lpae /proc/cpuinfo", "--", "count=2"],
      lpae,
    );
    expect(exitCode).toBe(0);
    expect(result).toMatchObject({ ok: true, start: "booted", bootEntry: "image", release: lpae });
    expect(result.steps.map((step) => [step.name, step.ok])).toEqual([
      ["insmod greet count=2", true],
      ["uname -mr; grep -c -w lpae /proc/cpuinfo", true],
      ["rmmod greet", true],
    ]);
    expect(result.steps[0]!.kernelLog).toContain("greet: hello world x2");
    expect(result.steps[1]!.output).toMatch(new RegExp(`^${releasePattern(lpae)} armv7l\n[1-9]d*\n$`));
    expect(result.steps[2]!.kernelLog).toContain("greet: goodbye world");
  });
});
