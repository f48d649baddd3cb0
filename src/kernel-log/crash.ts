// Finds crash reports in a streaming kernel console, as syzkaller classifies them: one block per
// report from its header line to the "---[ end trace" line (KASAN and KFENCE: to their closing line
// of "=" signs), with the faulting function taken from the RIP line (arm64: "pc : "), the header's own
// frame, or the first reliable module frame. Pure: the caller feeds lines and the current step.
// x86 brackets its stack with <TASK> and </TASK>; arm64 prints "Call trace:", the frames, then "Code:".
// Console text is not authenticated: a module (or a process name, printed in every report) can put
// any line inside a report. So a header line inside a report whose stack has not ended is a report
// of its own and does not take the rest of the open one, and an end line inside a stack does not
// close it. At most MAX_REPORTS are kept; the rest are counted.
import { stripKernelLogPrefix } from "./module-messages.js";

export type CrashKind =
  | "null-dereference"
  | "bug"
  | "oops"
  | "general-protection-fault"
  | "warning"
  | "panic"
  | "kasan"
  | "ubsan"
  | "kfence"
  | "lockdep"
  | "memory-leak"
  | "list-corruption"
  | "soft-lockup"
  | "hard-lockup"
  | "hung-task"
  | "rcu-stall";

export interface CrashReport {
  kind: CrashKind;
  title: string;
  function?: string;
  module?: string;
  // Byte offset of the faulting instruction in `function` (from "func+0x13/0x40").
  offset?: number;
  // "file.c:line" of that instruction, when the module's debug info says.
  source?: string;
  // Bytes of a leaked object (kmemleak).
  size?: number;
  step?: string;
  log: string[];
}

// Order matters: the first match names the report.
const HEADERS: [CrashKind, RegExp][] = [
  ["kasan", /^BUG: KASAN: /],
  ["kfence", /^BUG: KFENCE: /],
  // lockdep's reports (kernel/locking/lockdep.c) and might_sleep()'s, which PROVE_LOCKING kernels print.
  [
    "lockdep",
    new RegExp(
      "^(?:WARNING: (?:possible (?:circular locking dependency|recursive locking|irq lock inversion dependency) " +
        "detected|inconsistent lock state|bad unlock balance detected!|suspicious RCU usage)|BUG: sleeping " +
        "function called from invalid context|BUG: held lock freed!|BUG: lock held when returning to user space!)",
    ),
  ],
  ["soft-lockup", /^(?:watchdog: )?BUG: soft lockup/],
  ["hard-lockup", /^(?:NMI watchdog: )?Watchdog detected hard LOCKUP/],
  ["null-dereference", /^(?:BUG: kernel NULL pointer dereference|Unable to handle kernel NULL pointer dereference)/],
  // arm64's and 32-bit arm's page faults: "Unable to handle kernel paging request at virtual address ...",
  // "Unhandled fault: page domain fault (0x81b) at 0x00000000", and the like.
  ["bug", /^(?:BUG: |kernel BUG at |Unable to handle kernel |Unhandled fault: )/],
  ["list-corruption", /^(?:list_add corruption|list_del corruption|slab .* corruption)/],
  ["general-protection-fault", /^general protection fault/],
  // arm64's "Internal error: Oops: 0000000096000046 [#1] SMP", 32-bit arm's "Internal error: : 81b [#1] SMP ARM".
  ["oops", /^(?:Oops: |Internal error: )/],
  ["warning", /^WARNING: /],
  ["panic", /^Kernel panic - not syncing/],
  ["ubsan", /^UBSAN: /],
  ["hung-task", /^INFO: task .* blocked for more than/],
  ["rcu-stall", /^rcu: INFO: rcu_\w+ (?:detected stalls|self-detected stall)/],
];

// After a report's stack (</TASK>), only these lines still belong to it.
const TRAILER = /^(?:Modules linked in:|CR2: |---\[ end |\s)/;
const MAX_REPORT_LINES = 200;
export const MAX_REPORTS = 50;
// "---[ end trace 0000000000000000 ]---" (6.1), "---[ end trace ]---" (6.12's UBSAN), "---[ end Kernel panic - not syncing: ... ]---".
const END = /^---\[ end (?:trace(?: [0-9a-f]{16})?|Kernel panic - not syncing: .*) \]---$/;
// KASAN and KFENCE put their report between two lines of "=" signs; what follows the stack is theirs.
const CLOSING_RULE = /^={20,}$/;
const FRAMED_KINDS: CrashKind[] = ["kasan", "kfence"];
// "UBSAN: array-index-out-of-bounds in /src/mod.c:9:2" names the source line itself.
const UBSAN_SOURCE = /^UBSAN: [\w-]+ in (?<file>\S+?):(?<line>\d+)(?::\d+)?$/;
const FRAME = /(?<name>[A-Za-z_][\w.]*)\+0x(?<offset>[0-9a-f]+)\/0x[0-9a-f]+(?: \[(?<module>\w+)\])?/;

// KASAN's header frame (its report's caller), lockdep's and kmemleak's stack frames are return
// addresses: the line is the call's, one byte back. A RIP, a WARNING or KFENCE header is the fault.
export function pointsAfterCall(report: CrashReport): boolean {
  return report.kind === "kasan" || report.kind === "lockdep" || report.kind === "memory-leak";
}

export function classifyCrashLine(text: string): CrashKind | undefined {
  return HEADERS.find(([, pattern]) => pattern.test(text))?.[0];
}

// x86's "RIP: 0010:func+0x13/0x40 [mod]", arm64's "pc : func+0x20/0x1000 [mod]", 32-bit arm's "PC is at func+0x1c/...".
const FAULTING_PC = /^(?:RIP: \d+:|pc : |PC is at )(.*)$/;

function locate(report: CrashReport, text: string): void {
  // "? func+0x.." frames are stale stack words the unwinder could not confirm.
  if (text.startsWith("? ")) return;
  const rip = FAULTING_PC.exec(text);
  const frame = FRAME.exec(rip ? rip[1]! : text)?.groups;
  if (!frame) return;
  // The RIP line is authoritative; otherwise the first frame inside a module (or any frame).
  if (rip || (!report.function && (frame.module || report.kind === "warning"))) {
    report.function = frame.name;
    report.module = frame.module ?? report.module;
    report.offset = parseInt(frame.offset!, 16);
  }
}

export class CrashParser {
  readonly reports: CrashReport[] = [];
  // Reports found beyond MAX_REPORTS, not kept.
  dropped = 0;
  private open: CrashReport | undefined;
  private ripSeen = false;
  private stackEnded = false;
  private inStack = false;
  private arm64Stack = false;

  // Returns the report a header line started, so callers can react at once.
  feed(line: string, step: string | undefined): CrashReport | undefined {
    const text = stripKernelLogPrefix(line);
    const kind = classifyCrashLine(text);
    // Oops and general protection fault lines follow a "BUG:" header inside the same report.
    const joins = !kind || kind === "oops" || kind === "general-protection-fault";
    if (this.open && joins && this.belongs(text)) {
      this.extend(text);
      return undefined;
    }
    if (kind && this.open && !this.stackEnded && this.open.log.length < MAX_REPORT_LINES)
      return this.add(this.createReport(kind, text, step));
    this.open = undefined;
    if (!kind) return undefined;
    const report = this.add(this.createReport(kind, text, step));
    if (report) {
      this.open = report;
      this.ripSeen = false;
      this.stackEnded = false;
      this.inStack = false;
      this.arm64Stack = false;
    }
    return report;
  }

  // A step marker from kforge's agent closes any report.
  close(): void {
    this.open = undefined;
  }

  // Drops the reports kept so far (a watch guest's earlier cycles were reported already).
  forget(): void {
    this.reports.length = 0;
    this.dropped = 0;
  }

  private add(report: CrashReport): CrashReport | undefined {
    if (this.reports.length >= MAX_REPORTS) {
      this.dropped++;
      return undefined;
    }
    this.reports.push(report);
    return report;
  }

  private belongs(text: string): boolean {
    const report = this.open!;
    if (report.log.length >= MAX_REPORT_LINES) return false;
    return !this.stackEnded || FRAMED_KINDS.includes(report.kind) || TRAILER.test(text);
  }

  private createReport(kind: CrashKind, text: string, step: string | undefined): CrashReport {
    const source = UBSAN_SOURCE.exec(text)?.groups;
    const report: CrashReport = { kind, title: text, step, log: [text], ...(source ? { source: `${source.file}:${source.line}` } : {}) };
    locate(report, text);
    return report;
  }

  private extend(text: string): void {
    const report = this.open!;
    report.log.push(text);
    const closes = END.test(text) || (FRAMED_KINDS.includes(report.kind) && CLOSING_RULE.test(text));
    if (closes && !this.inStack) {
      this.open = undefined;
      return;
    }
    const trimmed = text.trim();
    if (trimmed === "Call Trace:" || trimmed === "Call trace:" || trimmed === "<TASK>") this.inStack = true;
    // x86's "Code:" inside <TASK> is the user-mode registers' own.
    if (trimmed === "Call trace:") this.arm64Stack = true;
    if (trimmed === "</TASK>" || (this.inStack && this.arm64Stack && text.startsWith("Code: "))) {
      this.stackEnded = true;
      this.inStack = false;
    }
    if (FAULTING_PC.test(text)) {
      if (!this.ripSeen) locate(report, text);
      this.ripSeen = true;
    } else if (!this.ripSeen && !report.function && /^\s/.test(text)) {
      locate(report, trimmed);
    }
  }
}
