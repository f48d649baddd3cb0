// Follows the guest console as it streams: every line goes to the console log file, crash reports
// are found (attributed to the step running), and the kernel messages of the step running are kept
// in a window of at most WINDOW_LINES, with a count of those dropped. Nothing else is held, so a
// guest flooding its console costs the disk, not kforge's memory. A step's end marker counts only
// with the nonce its command was sent with (guest/protocol.ts); any other line, including one that
// claims to be a marker or a panic, is kernel-log content like the rest.
import { CrashParser, type CrashReport } from "../../kernel-log/crash.js";
import { stripKernelLogPrefix } from "../../kernel-log/module-messages.js";
import type { ConsoleLog } from "./console-log.js";
import { parseStepMarker } from "./protocol.js";
import { parseUnpackFailure } from "./unpack-check.js";

export const WINDOW_LINES = 2000;

export interface KernelLogWindow {
  lines: string[];
  // Lines of the window that were not kept (the console log file has them).
  dropped: number;
}

export class ConsoleMonitor {
  readonly crashes = new CrashParser();
  // The step running, for crash reports.
  step: string | undefined;
  // The first report of a kernel panic; the guest dies of a real one (panic=-1, -no-reboot).
  panic: CrashReport | undefined;
  // The last line that was not blank: what a boot that never reached init printed last.
  lastLine = "";
  // What the kernel said when the initramfs did not unpack; only before the first command, when
  // nothing untrusted has run yet (guest/unpack-check.ts).
  unpackFailure: string | undefined;
  private window: KernelLogWindow = { lines: [], dropped: 0 };
  private marker: { id: number; nonce: string; seen: boolean } | undefined;
  // The command before: its marker may come late, after the next command started.
  private previous: { id: number; nonce: string } | undefined;
  private waiters: (() => void)[] = [];

  constructor(private readonly log?: ConsoleLog) {}

  feed(raw: string): void {
    const line = raw.replace(/\r/g, "");
    this.log?.write(line);
    if (line.trim() === "") return;
    this.lastLine = line;
    const marker = parseStepMarker(line);
    if (marker && isSame(marker, this.previous)) return;
    if (marker && isSame(marker, this.marker)) {
      this.marker!.seen = true;
      this.crashes.close();
      this.wake();
      return;
    }
    if (!this.marker) this.unpackFailure ??= parseUnpackFailure(line);
    this.keep(stripKernelLogPrefix(line));
    const report = this.crashes.feed(line, this.step);
    if (report?.kind === "panic" && !this.panic) this.panic = report;
  }

  // Starts the window of a command whose end marker carries `nonce`.
  expectMarker(id: number, nonce: string): void {
    this.previous = this.marker;
    this.marker = { id, nonce, seen: false };
    this.window = { lines: [], dropped: 0 };
  }

  // Kernel messages since expectMarker(), without the marker and timestamps.
  kernelLog(): KernelLogWindow {
    return { lines: [...this.window.lines], dropped: this.window.dropped };
  }

  async waitForMarker(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.marker?.seen) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  // Flushes the console log file.
  close(): Promise<void> {
    return this.log?.close() ?? Promise.resolve();
  }

  private keep(line: string): void {
    if (this.window.lines.length < WINDOW_LINES) this.window.lines.push(line);
    else this.window.dropped++;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

const isSame = (marker: { id: number; nonce: string }, expected: { id: number; nonce: string } | undefined) =>
  expected !== undefined && marker.id === expected.id && marker.nonce === expected.nonce;
