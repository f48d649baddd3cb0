// The progress row of `kforge kernel build`, from real kbuild step lines.
import { describe, expect, it } from "vitest";
import { compiledObject, estimateRemainingMs, formatKernelProgress } from "../../src/guest-kernel/progress.js";

describe("compiledObject", () => {
  it("counts compiled and assembled objects, built in or modules, and nothing else", () => {
    expect(compiledObject("  CC      mm/slub.o")).toBe("mm/slub.o");
    expect(compiledObject("  AS      arch/x86/entry/entry_64.o")).toBe("arch/x86/entry/entry_64.o");
    expect(compiledObject("  CC [M]  drivers/thermal/intel/x86_pkg_temp_thermal.o")).toBe("drivers/thermal/intel/x86_pkg_temp_thermal.o");
    expect(compiledObject("  LD      vmlinux.o")).toBeUndefined();
    expect(compiledObject("  AR      mm/built-in.a")).toBeUndefined();
    expect(compiledObject("  CC      scripts/mod/empty.s")).toBeUndefined();
    expect(compiledObject("mm/slub.c:12:3: warning: unused variable 'x'")).toBeUndefined();
  });
});

describe("formatKernelProgress", () => {
  it("shows done/total, elapsed and an estimate at this run's rate", () => {
    const counts = { done: 600, compiledNow: 100, total: 1000, elapsedMs: 50_000 };
    // 0.5 s per object, 400 left.
    expect(estimateRemainingMs(counts)).toBe(200_000);
    expect(formatKernelProgress(counts)).toBe("600/1000 objects, 50 s, about 3 min 20 s left");
  });

  it("has no estimate without a total or before a rate", () => {
    expect(formatKernelProgress({ done: 12, compiledNow: 12, total: undefined, elapsedMs: 4_000 })).toBe("12 objects compiled, 4 s");
    expect(formatKernelProgress({ done: 5, compiledNow: 5, total: 1000, elapsedMs: 61_000 })).toBe("5/1000 objects, 1 min 01 s");
  });

  it("counts a resumed build from the objects it already has, and a rebuild past the total as objects compiled", () => {
    expect(formatKernelProgress({ done: 700, compiledNow: 100, total: 1000, elapsedMs: 100_000 })).toBe(
      "700/1000 objects, 1 min 40 s, about 5 min 00 s left",
    );
    expect(formatKernelProgress({ done: 1040, compiledNow: 40, total: 1000, elapsedMs: 30_000 })).toBe("40 objects compiled, 30 s");
  });
});
