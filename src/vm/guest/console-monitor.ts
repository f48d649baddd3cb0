// Follows the guest console as it streams: keeps every line, finds crash reports (attributed to the
// step running), and wakes whoever waits for a step's end marker or for a panic.
import { CrashParser, type CrashReport } from "../../kernel-log/crash.js";
import { stripKernelLogPrefix } from "../../kernel-log/module-messages.js";
import { parseStepMarker } from "./protocol.js";

export class ConsoleMonitor {
  readonly lines: string[] = [];
  readonly crashes = new CrashParser();
  step: string | undefined;
  panic: CrashReport | undefined;
  private markers = new Set<number>();
  private waiters: (() => void)[] = [];

  constructor(private readonly onPanic: (report: CrashReport) => void = () => {}) {}

  feed(raw: string): void {
    const line = raw.replace(/\r/g, "");
    this.lines.push(line);
    const marker = parseStepMarker(line);
    if (marker !== undefined) {
      this.markers.add(marker);
      this.crashes.close();
    }
    const report = marker === undefined ? this.crashes.feed(line, this.step) : undefined;
    if (report?.kind === "panic" && !this.panic) {
      this.panic = report;
      this.onPanic(report);
    }
    this.wake();
  }

  // Kernel messages since line `from`, without kforge's markers and timestamps.
  kernelLogSince(from: number): string[] {
    return this.lines
      .slice(from)
      .filter((line) => parseStepMarker(line) === undefined && line.trim() !== "")
      .map(stripKernelLogPrefix);
  }

  async waitForMarker(id: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.markers.has(id)) {
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

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
