import { describe, expect, it } from "vitest";
import { describeBootFailure } from "../../../src/vm/qemu/boot-failure.js";
import { summarizeTaint, type VmResult } from "../../../src/vm/report.js";
import { formatVmReport } from "../../../src/ui/vm-report.js";
import { createPalette } from "../../../src/ui/color.js";

const plain = createPalette({ isTTY: false } as NodeJS.WriteStream);
const base = { timeoutMs: 10_000, qemuExited: false, interrupted: false, consoleLog: "/p/.kforge/logs/r/vm-console.log" };

describe("describeBootFailure", () => {
  it("says how long it waited, and suggests more time, TCG when KVM was used, and the console log", () => {
    const failure = describeBootFailure({ ...base, accel: "kvm" });
    expect(failure.end).toBe("boot-timeout");
    expect(failure.diagnosis).toBe("timed out after 10 s during boot: the guest never reached the init script (no console output at all)");
    expect(failure.hint).toMatch(/--timeout 60.*--accel tcg.*\/p\/\.kforge\/logs\/r\/vm-console\.log/);
    expect(describeBootFailure({ ...base, accel: "tcg", timeoutMs: 90_000 }).hint).not.toMatch(/--accel/);
    expect(describeBootFailure({ ...base, accel: "tcg", timeoutMs: 90_000 }).hint).toMatch(/--timeout 180/);
  });

  it("names a boot panic and an exit of QEMU", () => {
    expect(
      describeBootFailure({ ...base, accel: "tcg", panicTitle: "Kernel panic - not syncing: System is deadlocked on memory" }).diagnosis,
    ).toMatch(/panicked during boot: .*deadlocked/);
    expect(
      describeBootFailure({ ...base, accel: "tcg", qemuExited: true, qemuError: "qemu-system-x86_64: cannot set up guest memory" }),
    ).toMatchObject({ end: "qemu-exited", diagnosis: "QEMU exited during boot: qemu-system-x86_64: cannot set up guest memory" });
  });

  it("says how a QEMU that printed nothing exited, never to give it more time", () => {
    // A guest that resets at once (a 5,000-character --append, a damaged image) makes QEMU -no-reboot exit 0, silently.
    const reset = describeBootFailure({ ...base, accel: "tcg", qemuExited: true, qemuExit: { code: 0 } });
    expect(reset.end).toBe("qemu-exited");
    expect(reset.diagnosis).toBe(
      "QEMU exited during boot (exit status 0, nothing on stderr): the guest reset before reaching the " +
        "init script (an image it cannot boot, a kernel command line it cannot take); no console output at all",
    );
    expect(reset.hint).not.toMatch(/more time/);
    const killed = describeBootFailure({
      ...base,
      accel: "tcg",
      qemuExited: true,
      qemuExit: { signal: "SIGKILL" },
      lastConsoleLine: "Booting",
    });
    expect(killed.diagnosis).toBe("QEMU exited during boot (killed by SIGKILL, nothing on stderr); last console line: Booting");
  });
});

describe("formatVmReport for a guest that never booted", () => {
  it("prints no boot time, no known taint and no step counts, with the next step", () => {
    const failure = describeBootFailure({ ...base, accel: "tcg", timeoutMs: 2000 });
    const result: VmResult = {
      ok: false,
      release: "6.1.0-850-amd64",
      accel: "tcg",
      bootMs: 2030,
      booted: false,
      start: "booted",
      steps: [],
      skipped: [{ name: "insmod greet", kind: "load", module: "greet", reason: "the guest did not boot" }],
      crashes: [],
      taint: summarizeTaint(undefined, undefined),
      ...failure,
      kernelImage: "/k",
      bootEntry: "pvh",
      consoleLog: base.consoleLog,
      notices: [],
      modules: { planned: 1, loaded: 0, failed: [], skipped: [{ module: "greet", reason: "the guest did not boot" }] },
    };
    const text = formatVmReport(result, plain);
    expect(text).not.toMatch(/booted in|0 of 0|taint: 0/);
    expect(text).toContain("timed out after 2 s during boot");
    expect(text).toContain("taint: unknown");
    expect(text).toMatch(/hint: give it more time with --timeout 60/);
    expect(text).toContain("full console log: /p/.kforge/logs/r/vm-console.log");
    expect(JSON.parse(JSON.stringify(result.taint))).toEqual({ before: null, after: null, letters: null, lettersBefore: null });
  });

  it("shows an unknown taint after a step that never finished, and the skipped steps", () => {
    const result: VmResult = {
      ok: false,
      release: "6.1.0-850-amd64",
      accel: "tcg",
      bootMs: 2100,
      booted: true,
      start: "booted",
      steps: [{ name: "insmod sleeper", kind: "load", module: "sleeper", ok: false, durationMs: 8000, output: "", kernelLog: [] }],
      skipped: [{ name: "rmmod sleeper", kind: "unload", module: "sleeper", reason: "the run ended first (module-init-hang)" }],
      crashes: [],
      taint: summarizeTaint(0, undefined),
      end: "module-init-hang",
      diagnosis: "module init never returned",
      kernelImage: "/k",
      bootEntry: "pvh",
      notices: [],
      modules: { planned: 1, loaded: 0, failed: ["sleeper"], skipped: [] },
    };
    const text = formatVmReport(result, plain);
    expect(text).toContain("taint: 0 (none) -> unknown");
    expect(text).toContain("skip rmmod sleeper (the run ended first (module-init-hang))");
    expect(text).toContain("failed: 1 of 1 steps failed, 1 skipped");
  });
});
