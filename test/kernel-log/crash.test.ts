import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CrashParser, classifyCrashLine, MAX_REPORTS } from "../../src/kernel-log/crash.js";
import { taintLetters } from "../../src/module/taint.js";

const fixture = (name: string) => readFileSync(new URL(`../fixtures/vm/console/${name}`, import.meta.url), "utf8").split("\n");

describe("CrashParser on real console output", () => {
  it("reports the NULL dereference of oops.ko as one block naming the function and module (Debian 6.1)", () => {
    const parser = new CrashParser();
    for (const line of fixture("oops-6.1.log")) parser.feed(line, "insmod oops");
    expect(parser.reports).toHaveLength(1);
    const [report] = parser.reports;
    expect(report).toMatchObject({ kind: "null-dereference", function: "oops_touch", module: "oops", step: "insmod oops" });
    expect(report!.title).toBe("BUG: kernel NULL pointer dereference, address: 0000000000000000");
    expect(report!.log).toContain("Oops: 0002 [#1] PREEMPT SMP NOPTI");
    expect(report!.log.at(-1)).toMatch(/^---\[ end trace/);
  });

  it("reports the arm64 oops of oops.ko (Debian 6.1 arm64 under qemu-system-aarch64) from its pc line, and closes it at its end", () => {
    const parser = new CrashParser();
    for (const line of fixture("oops-arm64-6.1.log")) parser.feed(line, "insmod oops");
    expect(parser.reports).toHaveLength(1);
    const [report] = parser.reports;
    // The lr line (oops_init) and the Call trace frames come after pc and do not move it.
    expect(report).toMatchObject({ kind: "null-dereference", function: "oops_touch", module: "oops", offset: 0x20, step: "insmod oops" });
    expect(report!.title).toBe("Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000");
    expect(report!.log).toContain("Internal error: Oops: 0000000096000046 [#1] SMP");
    expect(report!.log.at(-1)).toMatch(/^---\[ end trace/);
    // The agent's step marker after the report is not part of it.
    expect(report!.log.join("\n")).not.toContain("kforge-step-end");
  });

  it("reports the 32-bit arm oops of oops.ko (Debian 6.1 armmp under qemu-system-arm) from its PC line", () => {
    const parser = new CrashParser();
    for (const line of fixture("oops-armhf-6.1.log")) parser.feed(line, "insmod oops");
    expect(parser.reports).toHaveLength(1);
    const [report] = parser.reports;
    expect(report).toMatchObject({ kind: "bug", function: "oops_touch", module: "oops", offset: 0x1c, step: "insmod oops" });
    expect(report!.title).toBe("Unhandled fault: page domain fault (0x81b) at 0x00000000");
    expect(report!.log).toContain("Internal error: : 81b [#1] SMP ARM");
    expect(report!.log.at(-1)).toMatch(/^---\[ end trace/);
  });

  it("ends an arm64 stack at its Code: line: a later line is no longer part of the report", () => {
    const parser = new CrashParser();
    const lines = [
      "Unable to handle kernel paging request at virtual address dead000000000108",
      "Internal error: Oops: 0000000096000044 [#1] SMP",
      "pc : list_cut+0x10/0x40 [lists]",
      "lr : lists_init+0x2c/0x1000 [lists]",
      "Call trace:",
      " list_cut+0x10/0x40 [lists]",
      " lists_init+0x2c/0x1000 [lists]",
      "Code: 52800000 d503233f f941e021 d50323bf (b9000022) ",
      "lists: a message of the module after the oops",
    ];
    for (const line of lines) parser.feed(line, "insmod lists");
    expect(parser.reports).toHaveLength(1);
    expect(parser.reports[0]).toMatchObject({ kind: "bug", function: "list_cut", module: "lists", offset: 0x10 });
    expect(parser.reports[0]!.log).not.toContain("lists: a message of the module after the oops");
  });

  it("finds nothing in a clean console (a module that only hangs, a rejected signature)", () => {
    for (const name of ["sleeper-hang-6.1.log", "sig-enforce-6.1.log"]) {
      const parser = new CrashParser();
      for (const line of fixture(name)) parser.feed(line, "insmod");
      expect(parser.reports).toEqual([]);
    }
  });

  it("classifies the report headers syzkaller knows", () => {
    expect(classifyCrashLine("WARNING: CPU: 0 PID: 1 at drivers/foo.c:12 foo_probe+0x12/0x30 [foo]")).toBe("warning");
    expect(classifyCrashLine("Kernel panic - not syncing: Fatal exception")).toBe("panic");
    expect(classifyCrashLine("BUG: KASAN: slab-out-of-bounds in foo+0x1/0x2")).toBe("kasan");
    expect(classifyCrashLine("watchdog: BUG: soft lockup - CPU#0 stuck for 22s! [insmod:90]")).toBe("soft-lockup");
    expect(classifyCrashLine("INFO: task insmod:90 blocked for more than 120 seconds.")).toBe("hung-task");
    expect(classifyCrashLine("rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:")).toBe("rcu-stall");
    expect(classifyCrashLine("list_add corruption. prev->next should be next")).toBe("list-corruption");
    expect(classifyCrashLine("greet: hello world")).toBeUndefined();
  });

  it("takes the function of a WARNING from its header line", () => {
    const parser = new CrashParser();
    parser.feed("[    3.1] WARNING: CPU: 0 PID: 9 at /m/warn.c:7 warn_init+0x15/0x1000 [warnmod]", "insmod warnmod");
    expect(parser.reports[0]).toMatchObject({ kind: "warning", function: "warn_init", module: "warnmod" });
  });
});

describe("taintLetters", () => {
  it("spells the values Debian produces", () => {
    expect(taintLetters(0)).toBe("");
    expect(taintLetters(12288)).toBe("OE");
    expect(taintLetters(12416)).toBe("DOE");
    expect(taintLetters(2 ** 25)).toBe("#25");
  });
});

// A WARN in a task whose name a test step set to "x\nBUG: forged" (printf ... > /proc/self/comm), as
// recorded from a 6.1 guest: the name puts a line that looks like a header inside the report.
describe("CrashParser on text a module or a step put inside a report", () => {
  const forged = fixture("warn-forged-comm-6.1.log");

  it("keeps the report whole when a forged header shows up inside it, and records that line apart", () => {
    const parser = new CrashParser();
    for (const line of forged) parser.feed(line, "warn");
    expect(parser.reports.map(({ kind, function: name, title }) => ({ kind, function: name, title }))).toEqual([
      {
        kind: "warning",
        function: "hostile_warn",
        title: "WARNING: CPU: 0 PID: 116 at /tmp/gh/p2/hostile.c:25 hostile_warn+0x5/0x10 [hostile]",
      },
      { kind: "bug", function: undefined, title: expect.stringMatching(/^BUG: forged Tainted: G +OE +6\.1\./) },
    ]);
    expect(parser.reports[0]!.log).toContain("RIP: 0010:hostile_warn+0x5/0x10 [hostile]");
    expect(parser.reports[0]!.log.at(-1)).toBe("---[ end trace 0000000000000000 ]---");
  });

  it("does not close a report at an end line printed inside its stack, nor at one in another form", () => {
    const task = forged.findIndex((line) => line.endsWith("<TASK>"));
    const inside = [...forged.slice(0, task + 2), "---[ end trace 0000000000000000 ]---", ...forged.slice(task + 2)];
    const cut = forged.findIndex((line) => line.includes("Hardware name"));
    const loose = [...forged.slice(0, cut), "---[ end trace Tainted: G ]---", ...forged.slice(cut)];
    for (const lines of [inside, loose]) {
      const parser = new CrashParser();
      for (const line of lines) parser.feed(line, "warn");
      expect(parser.reports[0]).toMatchObject({ kind: "warning", function: "hostile_warn" });
      expect(parser.reports[0]!.log.at(-1)).toBe("---[ end trace 0000000000000000 ]---");
      expect(parser.reports[0]!.log).toContain(" </TASK>");
    }
  });

  it("keeps at most MAX_REPORTS and counts the rest", () => {
    const parser = new CrashParser();
    for (let count = 0; count < MAX_REPORTS + 30; count++) parser.feed(`BUG: flood ${count}`, "flood");
    expect(parser.reports).toHaveLength(MAX_REPORTS);
    expect(parser.dropped).toBe(30);
    parser.forget();
    expect([parser.reports.length, parser.dropped]).toEqual([0, 0]);
  });
});
