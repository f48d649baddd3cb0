// One QEMU start of a guest, booted or restored from a saved state, up to the agent's hello (or its
// failure): the console watched from the first line, an abort stopping QEMU, a QEMU that exits early
// seen as such rather than as a boot that timed out. start.ts decides which start a run gets.
import { ConsoleLog } from "./console-log.js";
import { ConsoleMonitor } from "./console-monitor.js";
import { openGuestSession, type GuestSession } from "./channel.js";
import type { InitramfsSize } from "./memory.js";
import { createQemuArguments, type QemuOptions } from "../qemu/arguments.js";
import { startQemu, type QemuProcess } from "../qemu/process.js";
import { restoreGuestState } from "../snapshot/restore.js";

export interface Guest {
  qemu: QemuProcess;
  monitor: ConsoleMonitor;
  session: GuestSession | undefined;
  bootMs: number;
  start: "booted" | "restored";
  memoryMb: number;
  // A cold guest's initramfs, which holds the project's files.
  initramfs?: InitramfsSize;
}

export interface LaunchGuestOptions {
  qemuBinary: string;
  helloTimeoutMs: number;
  consoleLogPath?: string;
  signal?: AbortSignal;
}

// How long a guest that did not answer is given to finish exiting.
const EXIT_GRACE_MS = 1000;

// With `incomingState` the guest is restored from it instead of booted.
export async function launchGuest(
  options: LaunchGuestOptions,
  machine: QemuOptions,
  incomingState?: string,
): Promise<Guest & { restoreError?: string }> {
  const started = Date.now();
  const restored = incomingState !== undefined;
  const monitor = new ConsoleMonitor(options.consoleLogPath ? new ConsoleLog(options.consoleLogPath) : undefined);
  const qemu = startQemu(options.qemuBinary, createQemuArguments(machine), {
    onLine: (line) => monitor.feed(line),
    interactive: machine.interactive,
  });
  let restoreError: string | undefined;
  const running = qemu;
  const resumed = restored
    ? restoreGuestState(machine.monitorSocket!, incomingState, {
        qemuRunning: () => !running.hasExited(),
        timeoutMs: options.helloTimeoutMs,
      }).catch((error: Error) => {
        restoreError = error.message;
        void running.stop();
        throw error;
      })
    : undefined;
  // Handled here too: a session that never connects never looks at it.
  resumed?.catch(() => undefined);
  const stop = () => void qemu.stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  // A QEMU that exits before the hello (a refused RAM file, a panic) ends the wait at once.
  const exited = new AbortController();
  void qemu.exited.finally(() => exited.abort());
  const session = await openGuestSession({
    socketPath: machine.agentSocket,
    console: monitor,
    helloTimeoutMs: options.helloTimeoutMs,
    watchesConsole: !machine.interactive,
    restored,
    resumed,
    signal: options.signal ? AbortSignal.any([options.signal, exited.signal]) : exited.signal,
  });
  options.signal?.removeEventListener("abort", stop);
  // The agent's socket closes as QEMU exits, before the exit itself is reported: a QEMU that failed
  // at once must be seen as exited, not as a boot that timed out.
  if (!session) await Promise.race([qemu.exited, new Promise((resolve) => setTimeout(resolve, EXIT_GRACE_MS))]);
  if (options.signal?.aborted) {
    session?.close();
    await qemu.stop();
  }
  return {
    qemu,
    monitor,
    session: options.signal?.aborted ? undefined : session,
    bootMs: Date.now() - started,
    start: restored ? "restored" : "booted",
    memoryMb: machine.memoryMb,
    restoreError,
  };
}
