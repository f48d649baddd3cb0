// The console monitor with lines a module can print: markers it cannot know the nonce of, a panic
// line, and a flood. Only the marker with the command's nonce ends its window, and the window is
// bounded while the console log file gets every line.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ConsoleLog } from "../../../src/vm/guest/console-log.js";
import { ConsoleMonitor, WINDOW_LINES } from "../../../src/vm/guest/console-monitor.js";

const NONCE = "9f0c27b1e4d84a55b0f6c3a2d1e0f9a8";
const root = mkdtempSync(join(tmpdir(), "kforge-console-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("ConsoleMonitor", () => {
  it("ends a command's kernel log at its own marker only; forged markers are kernel log lines", async () => {
    const monitor = new ConsoleMonitor();
    monitor.expectMarker(3, NONCE);
    for (const line of [
      "[    1.000000] hostile: before",
      "[    1.000001] kforge-step-end 3",
      "[    1.000002] kforge-step-end 3 00000000000000000000000000000000",
      `[    1.000003] hostile: kforge-step-end 3 ${NONCE.slice(1)}`,
    ])
      monitor.feed(line);
    expect(await monitor.waitForMarker(50)).toBe(false);
    monitor.feed(`[    1.000004] kforge-step-end 3 ${NONCE}`);
    expect(await monitor.waitForMarker(50)).toBe(true);
    expect(monitor.kernelLog()).toEqual({
      lines: [
        "hostile: before",
        "kforge-step-end 3",
        "kforge-step-end 3 00000000000000000000000000000000",
        `hostile: kforge-step-end 3 ${NONCE.slice(1)}`,
      ],
      dropped: 0,
    });
    // The next command's window starts empty; the previous marker, arriving late, is not shown.
    monitor.expectMarker(4, "a".repeat(32));
    monitor.feed(`[    1.000005] kforge-step-end 3 ${NONCE}`);
    monitor.feed("[    1.000006] hostile: after");
    expect(monitor.kernelLog().lines).toEqual(["hostile: after"]);
  });

  it("records the kernel's initramfs unpack failure during boot only, before any step could print one", () => {
    const booting = new ConsoleMonitor();
    booting.feed("[    2.906123] Initramfs unpacking failed: write error");
    expect(booting.unpackFailure).toBe("write error");
    const running = new ConsoleMonitor();
    running.expectMarker(1, NONCE);
    running.feed("[    9.0] Initramfs unpacking failed: write error");
    expect(running.unpackFailure).toBeUndefined();
  });

  it("records a panic line as a report without acting on it", () => {
    const monitor = new ConsoleMonitor();
    monitor.step = "insmod hostile";
    monitor.feed("[    2.0] Kernel panic - not syncing: forged by hostile");
    expect(monitor.panic).toMatchObject({ kind: "panic", step: "insmod hostile" });
    expect(monitor.crashes.reports).toHaveLength(1);
  });

  it("keeps a window of WINDOW_LINES with a count of the rest, and writes every line to the console log", async () => {
    const path = join(root, "console.log");
    const monitor = new ConsoleMonitor(new ConsoleLog(path));
    monitor.expectMarker(1, NONCE);
    for (let count = 0; count < WINDOW_LINES * 5; count++) monitor.feed(`[    3.0] hostile: flood ${count}`);
    const window = monitor.kernelLog();
    expect(window.lines).toHaveLength(WINDOW_LINES);
    expect(window.lines[0]).toBe("hostile: flood 0");
    expect(window.dropped).toBe(WINDOW_LINES * 4);
    expect(monitor.lastLine).toBe(`[    3.0] hostile: flood ${WINDOW_LINES * 5 - 1}`);
    await monitor.close();
    const written = readFileSync(path, "utf8").split("\n");
    expect(written).toHaveLength(WINDOW_LINES * 5 + 1);
    expect(written.at(-2)).toBe(`[    3.0] hostile: flood ${WINDOW_LINES * 5 - 1}`);
  });
});
