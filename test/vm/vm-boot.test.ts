// Real boots of Debian's 6.1 and 6.12 kernels under QEMU, through the real CLI. Each boot groups
// several checks; the 6.1 image comes from `kforge kernel fetch <6.1 release>` (scripts/setup.sh).
import { execFileSync, spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKernelImage } from "../../src/kernel/kernel-image.js";
import type { VmResult } from "../../src/vm/report.js";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const MODULES = new URL("../fixtures/vm/modules/", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "kforge-vm-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// A project dir holding the given fixture modules' sources and one Kbuild.
function createProject(name: string, sources: string[], objects: string[], config?: object): string {
  const dir = join(root, name);
  for (const source of sources) cpSync(join(MODULES, source), join(dir, source.split("/").pop()!));
  writeFileSync(join(dir, "Kbuild"), `obj-m := ${objects.join(" ")}\n`);
  if (config) writeFileSync(join(dir, "kforge.json"), JSON.stringify(config));
  return dir;
}

async function vm(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const run = await runKforge(["vm", dir, "--json", ...args], { env, timeoutMs: 115_000 });
  let result: VmResult;
  try {
    result = JSON.parse(run.stdout) as VmResult;
  } catch {
    throw new Error(`kforge vm printed no JSON (exit ${run.exitCode}):\n${run.stdout}\n${run.stderr}`);
  }
  return { exitCode: run.exitCode, result, stderr: run.stderr };
}

// Processes whose command line mentions this run's own temp dir (other test files boot guests too).
const leftoverProcesses = (privateTemp: string) => {
  try {
    return execFileSync("pgrep", ["-af", privateTemp], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
};

describe("kforge vm on Debian 6.1 (TCG)", () => {
  const release = kernel61().release;
  const on61 = ["--kernel", release, "--accel", "tcg"];

  beforeAll(async () => {
    await findKernelImage({ release }).catch((error: Error) => {
      throw new Error(`${error.message}\nrun: node bin/kforge.js kernel fetch ${release} (scripts/setup.sh does this)`);
    });
  });

  it("loads modules in dependency order with parameters, runs the steps, unloads in reverse, and fails on a failing step", async () => {
    const dir = createProject("group", ["greet/greet.c", "pair/provider.c", "pair/consumer.c"], ["consumer.o", "greet.o", "provider.o"], {
      params: { greet: { count: 3 } },
      vm: { test: ["cat /sys/module/greet/parameters/count /sys/module/greet/parameters/who", "check.sh"] },
    });
    writeFileSync(join(dir, "check.sh"), "grep '^provider ' /proc/modules | cut -d' ' -f4\n");
    const { exitCode, result } = await vm(dir, [...on61, "--exec", "exit 3", "--", "greet.who=kforge"]);
    expect(exitCode).toBe(1);
    expect(result.steps.map((step) => `${step.kind} ${step.module ?? step.name}`)).toEqual([
      "load provider",
      "load consumer",
      "load greet",
      "exec cat /sys/module/greet/parameters/count /sys/module/greet/parameters/who",
      "exec sh ./check.sh",
      "exec exit 3",
      "unload greet",
      "unload consumer",
      "unload provider",
    ]);
    const [, consumer, greet, parameters, script, failing] = result.steps;
    expect(consumer!.kernelLog).toContain("consumer: answer 42");
    expect(greet!.kernelLog).toContain("greet: hello kforge x3");
    expect(parameters).toMatchObject({ ok: true, exitCode: 0, output: "3\nkforge\n" });
    expect(script).toMatchObject({ ok: true, output: "consumer,\n" });
    expect(failing).toMatchObject({ ok: false, exitCode: 3 });
    expect(result.steps.at(-3)!.kernelLog).toContain("greet: goodbye kforge");
    expect(result.steps.filter((step) => step.kind !== "exec").every((step) => step.ok)).toBe(true);
    expect(result.crashes).toEqual([]);
    expect(result.taint).toMatchObject({ before: 0, after: 12288, letters: "OE" });
    expect(result.release).toBe(release);
    expect(readFileSync(join(dir, ".kforge/logs", release, "vm-console.log"), "utf8")).toContain("consumer: answer 42");
  });

  it("reports a NULL dereference in init as a crash naming the function, and exits 1", async () => {
    const dir = createProject("oops", ["oops/oops.c"], ["oops.o"]);
    const { exitCode, result } = await vm(dir, on61);
    expect(exitCode).toBe(1);
    expect(result.steps[0]).toMatchObject({ kind: "load", module: "oops", ok: false, exitCode: 137 });
    expect(result.crashes).toHaveLength(1);
    expect(result.crashes[0]).toMatchObject({ kind: "null-dereference", function: "oops_touch", module: "oops", step: "insmod oops" });
    // The faulting line, from the .ko's debug info: `*nowhere = 1;` in oops.c.
    expect(result.crashes[0]!.source).toBe("oops.c:8");
    expect(result.taint.letters).toContain("D");
    expect(result.steps[0]!.diagnosis?.hint).not.toMatch(/continue in a VM/);
    expect(result.steps).toHaveLength(1);
    expect(result.skipped).toEqual([{ name: "rmmod oops", kind: "unload", module: "oops", reason: "oops is not loaded" }]);
  });

  it("goes on after a WARN_ON in init (insmod succeeded): the tests and rmmod run, the run fails", async () => {
    const dir = createProject("warn", ["warn/warnmod.c"], ["warnmod.o"]);
    const { exitCode, result } = await vm(dir, [...on61, "--exec", "grep -c '^warnmod ' /proc/modules"]);
    expect(exitCode).toBe(1);
    expect(result.ok).toBe(false);
    expect(result.end).toBe("completed");
    const [load, test, unload] = result.steps;
    expect(load).toMatchObject({ ok: false, exitCode: 0, diagnosis: { kind: "kernel-warning" } });
    expect(load!.diagnosis!.hint).not.toMatch(/kforge vm|reboot/);
    expect(test).toMatchObject({ kind: "exec", ok: true, output: "1\n" });
    expect(unload).toMatchObject({ kind: "unload", ok: true, kernelLog: ["warnmod: unloaded"] });
    expect(result.skipped).toEqual([]);
    expect(result.crashes).toMatchObject([{ kind: "warning", function: "warnmod_init", step: "insmod warnmod" }]);
  });

  it("ends a module whose init never returns at the timeout, with that diagnosis and no QEMU left", async () => {
    const dir = createProject("sleeper", ["sleeper/sleeper.c"], ["sleeper.o"]);
    const privateTemp = mkdtempSync(join(root, "tmp-"));
    const { exitCode, result } = await vm(dir, [...on61, "--timeout", "10"], { TMPDIR: privateTemp });
    expect(exitCode).toBe(1);
    expect(result.end).toBe("module-init-hang");
    expect(result.diagnosis).toMatch(/module init never returned/);
    expect(result.taint).toMatchObject({ before: 0, after: null });
    expect(result.skipped).toEqual([
      { name: "rmmod sleeper", kind: "unload", module: "sleeper", reason: "the run ended first (module-init-hang)" },
    ]);
    expect(leftoverProcesses(privateTemp)).toBe("");
    expect(readdirSync(privateTemp)).toEqual([]);
  });

  it("explains an unsigned module rejected by a kernel booted with module.sig_enforce=1", async () => {
    const dir = createProject("signed", ["greet/greet.c"], ["greet.o"]);
    const { exitCode, result, stderr } = await vm(dir, [...on61, "--append", "module.sig_enforce=1"]);
    expect(exitCode).toBe(1);
    expect(result.steps[0]!.output).toMatch(/Key was rejected by service/);
    expect(result.steps[0]!.diagnosis?.kind).toBe("signature-rejected");
    expect(result.steps[0]!.kernelLog).toContain("Loading of unsigned module is rejected");
    // No vm.test and no --exec: said on stderr and in the JSON.
    expect(result.notices).toContain("no test steps: add vm.test to kforge.json or pass --exec; only load and unload were checked");
    expect(stderr).toContain("kforge: no test steps");
  });

  it("reports the steps done so far and the console log when interrupted, and exits 130", async () => {
    const dir = createProject("interrupted", ["greet/greet.c"], ["greet.o"]);
    const child = spawn(process.execPath, [KFORGE_BIN, "vm", dir, ...on61, "--exec", "sleep 60"], {
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
    let stdout = "";
    let stderr = "";
    let interrupted = false;
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      // One Ctrl-C once the test step runs (a second one would force an immediate exit).
      if (!interrupted && stderr.includes("... sleep 60")) {
        interrupted = true;
        setTimeout(() => child.kill("SIGINT"), 500);
      }
    });
    const exitCode = await new Promise((resolve) => child.on("close", resolve));
    expect(exitCode, stderr).toBe(130);
    expect(stdout).toMatch(/ok +insmod greet/);
    expect(stdout).toMatch(/FAIL sleep 60/);
    expect(stdout).toContain("skip rmmod greet (the run ended first (interrupted))");
    expect(stdout).toMatch(/interrupted: 1 of 2 steps failed, 1 skipped/);
    expect(stdout).toContain(`full console log: ${join(dir, ".kforge/logs", release, "vm-console.log")}`);
  });
});

describe("kforge vm --shell", () => {
  it("gives the terminal a busybox shell in the guest with the modules loaded, then unloads", async () => {
    const dir = createProject("shell", ["greet/greet.c"], ["greet.o"]);
    const child = spawn(process.execPath, [KFORGE_BIN, "vm", dir, "--kernel", kernel61().release, "--accel", "tcg", "--shell"], {
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
    let output = "";
    let typed = false;
    child.stdout.on("data", (chunk) => {
      output += chunk;
      // Type only once the prompt is there, as a person would.
      if (!typed && output.includes("/kforge/work # ")) {
        typed = true;
        child.stdin.write("grep -c '^greet ' /proc/modules\nexit 4\n");
      }
    });
    child.stderr.on("data", (chunk) => (output += chunk));
    const exitCode = await new Promise((resolve) => child.on("close", resolve));
    expect(exitCode, output).toBe(0);
    expect(output).toMatch(/grep -c '\^greet ' \/proc\/modules\r?\n1\r?\n/);
    expect(output).toMatch(/ok +interactive shell \(exit 4\)/);
    expect(output).toMatch(/ok +rmmod greet/);
    expect(output).not.toContain("kforge-step-end");
  });
});

describe("kforge vm on Debian 6.12 with --accel auto", () => {
  it("boots, remembers which accelerator works, and goes straight to it on the next run", async () => {
    const release = kernel612().release;
    const cache = join(root, "cache");
    const dir = createProject("greet612", ["greet/greet.c"], ["greet.o"], { vm: { test: ["cat /sys/module/greet/parameters/count"] } });
    const first = await vm(dir, ["--kernel", release, "--accel", "auto", "--", "count=5"], { XDG_CACHE_HOME: cache });
    expect(
      first.exitCode,
      JSON.stringify({
        ...first.result,
        steps: first.result.steps.map(({ name, ok, output, kernelLog }) => ({ name, ok, output, kernelLog })),
      }),
    ).toBe(0);
    expect(first.result).toMatchObject({ ok: true, release });
    expect(first.result.steps[1]!.output).toBe("5\n");
    const memory = JSON.parse(readFileSync(join(cache, "kforge/accel.json"), "utf8"));
    expect(memory.accel).toBe(first.result.accel);
    if (existsSync("/dev/kvm") && first.result.accel === "tcg") {
      // This machine: /dev/kvm exists but a KVM guest hangs or its QEMU exits, so the first run fell back,
      // and remembered it once the TCG guest booted.
      expect(first.result.notices.join("\n")).toMatch(/(a KVM boot did not reach the init script|a KVM guest did not boot) .*; using TCG/);
      expect(first.result.notices.join("\n")).toMatch(/remembered in .*accel\.json/);
      expect(first.stderr).toMatch(/kforge: a KVM (boot|guest) did not/);
    }
    const second = await vm(dir, ["--kernel", release, "--accel", "auto"], { XDG_CACHE_HOME: cache });
    expect(second.result.accel).toBe(first.result.accel);
    expect(second.result.notices).toEqual([`modules up to date: greet for ${release}`]);
    expect(second.result.ok).toBe(true);
  });
});
