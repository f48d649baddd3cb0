// Sanitizer, lockdep and kmemleak reports, parsed from console output and kmemleak files recorded on
// kforge's 6.12 debug kernel (test/fixtures/vm/console/debug-6.12-*, kmemleak-6.12-after-unload.txt).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findModuleFrame, parseKmemleak, parseSectionAddresses } from "../../src/kernel-log/kmemleak.js";
import { ConsoleMonitor } from "../../src/vm/guest/console-monitor.js";
import { parseStepMarker } from "../../src/vm/guest/protocol.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vm/console/${name}`, import.meta.url), "utf8");

// The nonce the step markers in the recorded consoles carry (the agent's are random).
const NONCE = "0123456789abcdef0123456789abcdef";

// Feeds a recorded console to a monitor the way a run does: each step marker moves to the next step.
function monitorConsole(name: string, steps: string[]): ConsoleMonitor {
  const monitor = new ConsoleMonitor();
  let next = 0;
  monitor.step = steps[next];
  monitor.expectMarker(1, NONCE);
  for (const line of fixture(name).split("\n")) {
    monitor.feed(line);
    if (parseStepMarker(line) === undefined) continue;
    monitor.step = steps[++next];
    monitor.expectMarker(next + 1, NONCE);
  }
  return monitor;
}

describe("KASAN, KFENCE, UBSAN and lockdep reports on the console", () => {
  it("reads a KASAN use-after-free as one report from its header to the closing rule, naming the function", () => {
    const monitor = monitorConsole("debug-6.12-kasan-use-after-free.txt", ["insmod uafmod", "insmod leakmod", "insmod abba"]);
    expect(monitor.crashes.reports).toHaveLength(1);
    const [report] = monitor.crashes.reports;
    expect(report).toMatchObject({
      kind: "kasan",
      title: "BUG: KASAN: slab-use-after-free in uaf_init+0xa2/0x1000 [uafmod]",
      function: "uaf_init",
      module: "uafmod",
      offset: 0xa2,
      step: "insmod uafmod",
    });
    // The Allocated by and Freed by stacks after the Call Trace belong to the report.
    expect(report!.log).toContain("Read of size 4 at addr ff11000004256180 by task insmod/32");
    expect(report!.log).toContain("Freed by task 32:");
    expect(report!.log.at(-1)).toMatch(/^={20,}$/);
    expect(report!.log).not.toContain("uafmod: read 0 after free");
  });

  it("attributes the lockdep, UBSAN, KASAN and KFENCE reports of one run to the steps that caused them", () => {
    const monitor = monitorConsole("debug-6.12-lockdep-ubsan-kfence.txt", [
      "insmod abba",
      "insmod ubsanmod",
      "insmod kfencemod",
      "rmmod kfencemod",
    ]);
    const summary = monitor.crashes.reports.map(({ kind, function: name, module, step, source }) => ({
      kind,
      function: name,
      module,
      step,
      source,
    }));
    expect(summary).toEqual([
      { kind: "lockdep", function: "abba_lock_in_order", module: "abba", step: "insmod abba", source: undefined },
      { kind: "ubsan", function: "ubsan_init", module: "ubsanmod", step: "insmod ubsanmod", source: "/tmp/cap2/ubsanmod.c:9" },
      { kind: "kasan", function: "ubsan_init", module: "ubsanmod", step: "insmod ubsanmod", source: undefined },
      { kind: "kfence", function: "kfencemod_read_past_end.constprop.0", module: "kfencemod", step: "insmod kfencemod", source: undefined },
    ]);
    const [lockdep, ubsan, kasan, kfence] = monitor.crashes.reports;
    expect(lockdep!.title).toBe("WARNING: possible circular locking dependency detected");
    expect(lockdep!.log).toContain(" *** DEADLOCK ***");
    expect(ubsan!.log).toContain("index 4 is out of range for type 'int [4]'");
    expect(kasan!.title).toBe("BUG: KASAN: global-out-of-bounds in ubsan_init+0x52/0x1000 [ubsanmod]");
    expect(kasan!.log).toContain(" ubsan_table+0x10/0x13c [ubsanmod]");
    expect(kfence!.log).toContain("kfence-#156: 0x00000000d23900cd-0x00000000a3817b5d, size=32, cache=kmalloc-32");
    expect(kfence!.log.at(-1)).toMatch(/^={20,}$/);
  });

  it("skips the unreliable '? ' frames when naming a report's function", () => {
    const monitor = new ConsoleMonitor();
    monitor.step = "insmod sleepy";
    for (const line of [
      "BUG: sleeping function called from invalid context at kernel/locking/mutex.c:585",
      "Call Trace:",
      " <TASK>",
      " ? stale_guess+0x1/0x10 [other]",
      " sleepy_init+0x2a/0x1000 [sleepy]",
      " </TASK>",
    ])
      monitor.feed(line);
    expect(monitor.crashes.reports).toMatchObject([{ kind: "lockdep", function: "sleepy_init", module: "sleepy" }]);
  });
});

describe("kmemleak after unload", () => {
  const text = fixture("kmemleak-6.12-after-unload.txt");

  it("reads each unreferenced object with its size, task and backtrace", () => {
    const [object, ...rest] = parseKmemleak(text);
    expect(rest).toEqual([]);
    expect(object).toMatchObject({ title: "unreferenced object 0xff11000000c05f00 (size 96):", size: 96, comm: "insmod" });
    expect(object!.frames.slice(0, 3)).toEqual([
      "__kmalloc_cache_noprof+0x15c/0x192",
      "0xffffffffa001803c",
      "abba_lock_in_order+0x9/0x2b [abba]",
    ]);
    expect(object!.frames).toHaveLength(11);
  });

  it("places a bare address in the unloaded module's section, and ignores names that came from another module", () => {
    const sections = parseSectionAddresses(text);
    expect(sections).toEqual([
      { module: "leakmod", section: ".text", start: 0xffffffffa0018000n },
      { module: "leakmod", section: ".init.text", start: 0xffffffffa0030000n },
    ]);
    const ranges = sections.map((section) => ({ ...section, size: 0x100 }));
    expect(findModuleFrame("0xffffffffa001803c", ranges, ["leakmod"])).toEqual({
      module: "leakmod",
      section: ".text",
      sectionOffset: 0x3c,
    });
    expect(findModuleFrame("0xffffffffa0030009", ranges, ["leakmod"])).toEqual({
      module: "leakmod",
      section: ".init.text",
      sectionOffset: 9,
    });
    expect(findModuleFrame("0xffffffffb0000000", ranges, ["leakmod"])).toBeUndefined();
    // abba took over leakmod's freed init memory: kallsyms named leakmod's frame after it.
    expect(findModuleFrame("abba_lock_in_order+0x9/0x2b [abba]", ranges, ["leakmod"])).toBeUndefined();
    expect(findModuleFrame("abba_lock_in_order+0x9/0x2b [abba]", ranges, ["abba"])).toEqual({
      module: "abba",
      function: "abba_lock_in_order",
      offset: 9,
    });
    expect(findModuleFrame("do_one_initcall+0xcb/0x1cc", ranges, ["leakmod"])).toBeUndefined();
  });

  it("prefers the code still mapped when a freed init section's memory was reused", () => {
    const ranges = [
      { module: "first", section: ".init.text", start: 0x1000n, size: 0x100 },
      { module: "second", section: ".text", start: 0x1000n, size: 0x200 },
    ];
    expect(findModuleFrame("0x1010", ranges, ["first", "second"])).toEqual({ module: "second", section: ".text", sectionOffset: 0x10 });
  });
});
