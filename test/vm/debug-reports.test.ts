// Real guests: the same three buggy modules (an AB-BA lock order, a use-after-free in init, a leaked
// kmalloc) pass silently on Debian's stock 6.12 kernel and are each reported, with function and
// source line, on kforge's 6.12 debug kernel (`--debug`). Three runs: the stock boot, a cold debug
// boot that saves a guest state, and a warm debug start from it. A private cache holds the states;
// the shared kernels are linked in, never written.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import type { WatchEvent } from "../../src/watch/events.js";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { debugKernel, kernel612 } from "../helpers/kernels.js";

const SOURCES = new URL("../fixtures/vm/modules/debug/", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "kforge-debug-reports-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const cache = join(root, "cache");
mkdirSync(join(cache, "kforge"), { recursive: true });
symlinkSync(join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels"), join(cache, "kforge", "kernels"));

// abba loads first: a KASAN report taints the kernel, and lockdep switches itself off on that taint.
const dir = join(root, "buggy");
mkdirSync(dir);
for (const name of ["abba.c", "uafmod.c", "leakmod.c"]) cpSync(join(SOURCES, name), join(dir, name));
writeFileSync(join(dir, "Kbuild"), "obj-m := abba.o uafmod.o leakmod.o\n");

// "file.c:line" of the line of a fixture source that contains `text`.
const lineOf = (file: string, text: string) =>
  `${file}:${
    readFileSync(join(SOURCES, file), "utf8")
      .split("\n")
      .findIndex((line) => line.includes(text)) + 1
  }`;

// The CPUs are shared with other test runs: a TCG boot of the KASAN kernel can take a minute.
const GUEST_TIMEOUT_MS = 340_000;

async function run(args: string[]): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const outcome = await runKforge([...args, dir, "--json", "--accel", "tcg", "--timeout", "300"], {
    env: { XDG_CACHE_HOME: cache },
    timeoutMs: 330_000,
  });
  try {
    return { exitCode: outcome.exitCode, result: JSON.parse(outcome.stdout) as VmResult, stderr: outcome.stderr };
  } catch {
    throw new Error(`kforge ${args[0]} printed no JSON (exit ${outcome.exitCode}):\n${outcome.stdout}\n${outcome.stderr}`);
  }
}

const summarize = (result: VmResult) =>
  result.crashes.map(({ kind, function: name, module, source, step }) => ({ kind, function: name, module, source, step }));
const EXPECTED_REPORTS = [
  { kind: "lockdep", function: "abba_lock_in_order", module: "abba", source: lineOf("abba.c", "mutex_lock(inner)"), step: "insmod abba" },
  { kind: "kasan", function: "uaf_init", module: "uafmod", source: lineOf("uafmod.c", "READ_ONCE(box->value)"), step: "insmod uafmod" },
  { kind: "memory-leak", function: "leak_buffer", module: "leakmod", source: lineOf("leakmod.c", "kmalloc(96"), step: "kmemleak scan" },
];

describe("kforge vm --debug: sanitizer, lockdep and kmemleak reports from real guests", () => {
  beforeAll(() => {
    debugKernel();
  });

  it(
    "passes the buggy modules silently on the stock kernel, and never scans it for leaks",
    async () => {
      // --cold: no saved state of the stock guest, so the debug run's is the only one.
      const { exitCode, result } = await run(["vm", "--kernel", kernel612().release, "--cold"]);
      expect(result.release).toBe(kernel612().release);
      expect(result.crashes).toEqual([]);
      expect(result.steps.map((step) => step.name)).toEqual([
        "insmod abba",
        "insmod uafmod",
        "insmod leakmod",
        "rmmod leakmod",
        "rmmod uafmod",
        "rmmod abba",
      ]);
      expect(result.steps.find((step) => step.name === "insmod uafmod")!.kernelLog.join("\n")).toMatch(/uafmod: read -?\d+ after free/);
      expect(exitCode).toBe(0);
    },
    GUEST_TIMEOUT_MS,
  );

  it(
    "reports the lock order, the use-after-free and the leak on the debug kernel; test --vm --debug exits 1",
    async () => {
      const { exitCode, result, stderr } = await run(["test", "--vm", "--debug", "--kernel", kernel612().release]);
      expect(stderr).toContain(`the debug kernel for ${kernel612().release}`);
      expect(result.release).toBe(debugKernel().release);
      expect(result.start).toBe("booted");
      expect(summarize(result)).toEqual(EXPECTED_REPORTS);
      const [lockdep, kasan, leak] = result.crashes;
      expect(lockdep!.title).toBe("WARNING: possible circular locking dependency detected");
      expect(kasan!.title).toMatch(/^BUG: KASAN: slab-use-after-free in uaf_init\+0x[0-9a-f]+\/0x[0-9a-f]+ \[uafmod\]$/);
      expect(kasan!.log).toContain(`Freed by task ${/Freed by task (\d+):/.exec(kasan!.log.join("\n"))![1]}:`);
      expect(leak).toMatchObject({ size: 96, title: expect.stringMatching(/^unreferenced object 0x[0-9a-f]+ \(size 96\):$/) });
      expect(leak!.log.join("\n")).toMatch(/0xffffffff[0-9a-f]+ \(leak_buffer\+0x[0-9a-f]+ \[leakmod\]\)/);
      // KASAN and lockdep do not stop the run: every module loaded and unloaded, then the scan ran.
      expect(result.steps.map((step) => `${step.name} ${step.exitCode}`)).toEqual([
        "insmod abba 0",
        "insmod uafmod 0",
        "insmod leakmod 0",
        "rmmod leakmod 0",
        "rmmod uafmod 0",
        "rmmod abba 0",
        "kmemleak scan 0",
      ]);
      expect(result.steps.map((step) => step.ok)).toEqual([false, false, true, true, true, true, false]);
      expect(result.steps[1]!.diagnosis).toMatchObject({
        kind: "kernel-crash-report",
        title: "uafmod loaded, but the kernel reported a kasan in uaf_init [uafmod]",
      });
      expect(result.ok).toBe(false);
      expect(exitCode).toBe(1);
    },
    GUEST_TIMEOUT_MS,
  );

  it(
    "restores the debug guest from the saved state and finds the same reports",
    async () => {
      const states = readdirSync(join(cache, "kforge", "snapshots")).filter((name) => name.endsWith(".state"));
      expect(states).toHaveLength(1);
      const { exitCode, result } = await run(["vm", "--debug"]);
      expect(result.start).toBe("restored");
      expect(summarize(result)).toEqual(EXPECTED_REPORTS);
      expect(exitCode).toBe(1);
      expect(existsSync(join(dir, ".kforge", "logs", debugKernel().release, "vm-console.log"))).toBe(true);
    },
    GUEST_TIMEOUT_MS,
  );

  it(
    "watch --debug boots the debug kernel and reports the use-after-free as a crash with its line",
    async () => {
      const watched = join(root, "watched");
      mkdirSync(watched);
      cpSync(join(SOURCES, "uafmod.c"), join(watched, "uafmod.c"));
      writeFileSync(join(watched, "Kbuild"), "obj-m := uafmod.o\n");
      const child = spawn(process.execPath, [KFORGE_BIN, "watch", watched, "--debug", "--json", "--accel", "tcg", "--timeout", "300"], {
        env: { ...process.env, NO_COLOR: "1", XDG_CACHE_HOME: cache },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const events: WatchEvent[] = [];
      let buffer = "";
      child.stdout.on("data", (chunk) => {
        const lines = (buffer + chunk).split("\n");
        buffer = lines.pop() ?? "";
        events.push(...lines.map((line) => JSON.parse(line) as WatchEvent));
      });
      try {
        const deadline = Date.now() + GUEST_TIMEOUT_MS - 20_000;
        while (!events.some((event) => event.event === "crash" || event.event === "error") && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 200));
        expect(events[0]).toMatchObject({ event: "ready", release: debugKernel().release });
        const crash = events.find((event): event is Extract<WatchEvent, { event: "crash" }> => event.event === "crash");
        expect(crash?.crash).toMatchObject({
          kind: "kasan",
          function: "uaf_init",
          module: "uafmod",
          source: lineOf("uafmod.c", "READ_ONCE(box->value)"),
          step: "insmod uafmod",
        });
      } finally {
        child.kill("SIGINT");
        await new Promise((resolve) => child.on("close", resolve));
      }
    },
    GUEST_TIMEOUT_MS,
  );
});
