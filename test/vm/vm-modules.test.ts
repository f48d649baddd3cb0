// Real boots of Debian's 6.1 kernel under QEMU (TCG) with a collection of modules: --keep-going past
// an oops and past a failed provider, --module picking one module and its provider (through kforge
// test), and unknown names as usage errors. One boot per case.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKernelImage } from "../../src/kernel/kernel-image.js";
import { formatVmReport } from "../../src/ui/vm-report.js";
import { createPalette } from "../../src/ui/color.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const MODULES = new URL("../fixtures/vm/modules/", import.meta.url).pathname;
const SOURCES = ["greet/greet.c", "oops/oops.c", "collection/leaf.c", "collection/hub.c", "collection/spoke.c"];
const root = mkdtempSync(join(tmpdir(), "kforge-vm-modules-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Three independent modules (oops dereferences NULL in init) and hub/spoke, spoke needing hub's symbol.
function createCollection(name: string, config?: object): string {
  const dir = join(root, name);
  for (const source of SOURCES) cpSync(join(MODULES, source), join(dir, source.split("/").pop()!));
  writeFileSync(join(dir, "Kbuild"), "obj-m := greet.o oops.o leaf.o hub.o spoke.o\n");
  if (config) writeFileSync(join(dir, "kforge.json"), JSON.stringify(config));
  return dir;
}

async function run(args: string[]): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const [command, ...rest] = args;
  const outcome = await runKforge([command!, "--json", ...rest], { timeoutMs: 115_000 });
  try {
    return { exitCode: outcome.exitCode, result: JSON.parse(outcome.stdout) as VmResult, stderr: outcome.stderr };
  } catch {
    throw new Error(`kforge printed no JSON (exit ${outcome.exitCode}):\n${outcome.stdout}\n${outcome.stderr}`);
  }
}

const summary = (result: VmResult) =>
  result.steps.map((step) => `${step.kind} ${step.module ?? step.name} ${step.exitCode === 0 ? "ok" : "failed"}`);
const LOADED = "cut -d' ' -f1 /proc/modules | sort | tr '\\n' ' '";

describe("kforge vm with a collection of modules on Debian 6.1 (TCG)", () => {
  const release = kernel61().release;
  const on61 = ["--kernel", release, "--accel", "tcg"];
  const dir = createCollection("collection");

  beforeAll(async () => {
    await findKernelImage({ release }).catch((error: Error) => {
      throw new Error(`${error.message}\nrun: node bin/kforge.js kernel fetch ${release} (scripts/setup.sh does this)`);
    });
  });

  it("--keep-going loads and unloads every module but the one that oopsed, runs the tests, and fails", async () => {
    const { exitCode, result } = await run(["vm", dir, ...on61, "--keep-going", "--exec", LOADED]);
    expect(exitCode).toBe(1);
    expect(result.ok).toBe(false);
    expect(summary(result)).toEqual([
      "load greet ok",
      "load oops failed",
      "load leaf ok",
      "load hub ok",
      "load spoke ok",
      `exec ${LOADED} ok`,
      "unload spoke ok",
      "unload hub ok",
      "unload leaf ok",
      "unload greet ok",
    ]);
    expect(result.steps.find((step) => step.module === "spoke")!.kernelLog).toContain("spoke: hub says 7");
    expect(result.steps[5]!.output).toMatch(/greet .*hub .*leaf .*spoke/);
    expect(result.crashes[0]).toMatchObject({ kind: "null-dereference", module: "oops", step: "insmod oops" });
    expect(result.skipped).toEqual([{ name: "rmmod oops", kind: "unload", module: "oops", reason: "oops is not loaded" }]);
    expect(result.modules).toEqual({ planned: 5, loaded: 4, failed: ["oops"], skipped: [] });
    expect(result.taintedAfter).toBe("insmod oops");
    expect(result.taint.letters).toContain("D");
    const report = formatVmReport(result, createPalette({ isTTY: false } as NodeJS.WriteStream));
    expect(report).toContain("modules: 4 of 5 loaded; failed: oops");
    expect(report).toContain('the kernel oopsed during "insmod oops": every later step ran on a kernel tainted D');
  });

  it("without --keep-going stops loading at the oops, as before, and still says how many modules loaded", async () => {
    const { exitCode, result } = await run(["vm", dir, ...on61, "--exec", LOADED]);
    expect(exitCode).toBe(1);
    expect(summary(result)).toEqual(["load greet ok", "load oops failed", "unload greet ok"]);
    expect(result.skipped.map((step) => `${step.name}: ${step.reason}`)).toEqual([
      "insmod leaf: insmod oops failed",
      "insmod hub: insmod oops failed",
      "insmod spoke: insmod oops failed",
      `${LOADED}: insmod oops failed`,
      "rmmod spoke: spoke is not loaded",
      "rmmod hub: hub is not loaded",
      "rmmod leaf: leaf is not loaded",
      "rmmod oops: oops is not loaded",
    ]);
    expect(result.modules).toMatchObject({ planned: 5, loaded: 1, failed: ["oops"] });
  });

  it("--keep-going skips only the consumer of a provider whose init failed, naming the provider", async () => {
    const { exitCode, result } = await run(["vm", dir, ...on61, "--keep-going", "--exec", LOADED, "--", "hub.refuse=1"]);
    expect(exitCode).toBe(1);
    expect(summary(result)).toEqual([
      "load greet ok",
      "load oops failed",
      "load leaf ok",
      "load hub failed",
      `exec ${LOADED} ok`,
      "unload leaf ok",
      "unload greet ok",
    ]);
    expect(result.steps[3]!.kernelLog).toContain("hub: refusing to load");
    expect(result.steps[4]!.output).not.toMatch(/\b(hub|spoke)\b/);
    expect(result.skipped).toContainEqual({
      name: "insmod spoke",
      kind: "load",
      module: "spoke",
      reason: "needs hub, which failed to load",
      provider: "hub",
    });
    expect(result.modules).toEqual({
      planned: 5,
      loaded: 2,
      failed: ["oops", "hub"],
      skipped: [{ module: "spoke", reason: "needs hub, which failed to load", provider: "hub" }],
    });
    expect(formatVmReport(result, createPalette({ isTTY: false } as NodeJS.WriteStream))).toContain(
      "modules: 2 of 5 loaded; failed: oops, hub; skipped: spoke (needs hub)",
    );
  });

  it("decodes insmod's 'Unknown error 517' as EPROBE_DEFER, with what it means", async () => {
    const deferDir = join(root, "defer");
    cpSync(join(MODULES, "defer"), deferDir, { recursive: true });
    const { exitCode, result } = await run(["vm", deferDir, ...on61]);
    expect(exitCode).toBe(1);
    expect(result.steps[0]).toMatchObject({ kind: "load", module: "defer", ok: false });
    expect(result.steps[0]!.output).toContain("Unknown error 517");
    expect(result.steps[0]!.diagnosis).toMatchObject({
      kind: "init-failed",
      title: "defer's init function failed: Unknown error 517 (EPROBE_DEFER)",
      detail: "its init function returned -EPROBE_DEFER without printing anything to the kernel log",
    });
    expect(result.steps[0]!.diagnosis!.hint).toMatch(/^-EPROBE_DEFER \(517\) means something the driver needs is not ready yet/);
  });

  it("kforge test --module spoke loads exactly hub then spoke, and unloads them in reverse", async () => {
    const { exitCode, result } = await run(["test", dir, "--vm", ...on61, "--module", "spoke", "--exec", LOADED]);
    expect(summary(result)).toEqual(["load hub ok", "load spoke ok", `exec ${LOADED} ok`, "unload spoke ok", "unload hub ok"]);
    // A warm guest also has the 9p modules of its shared folder loaded (vm-fast-start.md).
    const project = ["greet", "oops", "leaf", "hub", "spoke"];
    expect(
      result.steps[2]!.output.trim()
        .split(" ")
        .filter((name) => project.includes(name)),
    ).toEqual(["hub", "spoke"]);
    expect(result.modules).toEqual({ planned: 2, loaded: 2, failed: [], skipped: [] });
    expect(result.taintedAfter).toBeUndefined();
    expect(exitCode).toBe(0);
  });

  it("names the modules the project builds for an unknown --module or vm.modules entry, exit 2, nothing booted", async () => {
    const flag = await runKforge(["vm", dir, ...on61, "--module", "hubb"]);
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toContain("--module hubb: the project builds no such module");
    expect(flag.stderr).toMatch(/the project builds: .*greet.*hub.*spoke/);
    const configured = createCollection("configured", { vm: { modules: ["leaf", "nosuch"] } });
    const fromConfig = await runKforge(["vm", configured, ...on61]);
    expect(fromConfig.exitCode).toBe(2);
    expect(fromConfig.stderr).toContain("kforge.json vm.modules nosuch: the project builds no such module");
    expect(fromConfig.stderr).not.toMatch(/booted|insmod/);
  });
});
