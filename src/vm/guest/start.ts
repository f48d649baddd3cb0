// Starts the guest a run needs: restored from a saved state when one matches the machine, else
// booted (and, when warm starts are on, its state saved right after the agent's hello, before any
// project file is in it). With warm starts the initramfs holds no project file: the modules and
// test files are sent over the channel once the agent answers, and the clock and random pool are
// refreshed from the host.
import { readFile, writeFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { basename, join } from "node:path";
import { KforgeError } from "../../errors.js";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { describeCacheWriteFailure } from "../../fs/cache-file.js";
import { isWriteError } from "../../fs/write-error.js";
import { run } from "../../process/exec.js";
import { binutilsFor } from "../../module/binutils.js";
import { elfHeaderMachine } from "../../module/elf.js";
import { ConsoleLog } from "./console-log.js";
import { keyFor, saveState } from "./saved-state.js";
import { ConsoleMonitor } from "./console-monitor.js";
import { readModuleFile } from "./decompress.js";
import { openGuestSession, type GuestSession } from "./channel.js";
import { GUEST_MODULE_DIR, GUEST_WORK_DIR } from "./init-script.js";
import { cachedAgentInitramfs, writeInitramfs } from "./initramfs.js";
import { createQemuArguments, type QemuOptions } from "../qemu/arguments.js";
import { X86_64_MACHINE } from "../qemu/guest-machine.js";
import { guestUserspace } from "./userspace.js";
import { findQemuError, printableQemuText, startQemu, type QemuProcess } from "../qemu/process.js";
import { restoreGuestState } from "../snapshot/restore.js";
import { findState, markUsed, removeState } from "../snapshot/store.js";

export interface Guest {
  qemu: QemuProcess;
  monitor: ConsoleMonitor;
  session: GuestSession | undefined;
  bootMs: number;
  start: "booted" | "restored";
}

export interface StartGuestOptions {
  qemuBinary: string;
  workDir: string;
  release: string;
  machine: Omit<QemuOptions, "initramfs" | "agentSocket" | "monitorSocket" | "memoryFile" | "awaitIncoming">;
  modules: string[];
  files: string[];
  helloTimeoutMs: number;
  // Restore from (and save) guest states; off for --cold, --shell and the KVM probe.
  warm: boolean;
  env?: NodeJS.ProcessEnv;
  // Aborting stops QEMU while the guest starts; once it has started, the caller stops it.
  signal?: AbortSignal;
  // Where the console goes as it streams (its dir exists); each start rewrites it.
  consoleLogPath?: string;
  notice: (message: string) => void;
}

// How long a guest that did not answer is given to finish exiting.
const EXIT_GRACE_MS = 1000;
// A restored guest that has not answered by then is given up for a cold boot.
const RESTORE_DEADLINE_MS = 10_000;
// The serial port moves about 75 KB/s under TCG, less on a loaded host; a debug kernel's in-tree
// modules (KASAN-instrumented videodev) are megabytes even without debug info.
const transferTimeoutMs = (bytes: number) => 30_000 + Math.ceil(bytes / 10_000) * 1000;

export async function startGuest(options: StartGuestOptions): Promise<Guest> {
  const initramfs = join(options.workDir, "initramfs.cpio");
  const userspace = await guestUserspace(options.machine.guest ?? X86_64_MACHINE, options.release, options.env);
  const agentInitramfs = options.warm
    ? await cachedAgentInitramfs(options.env, options.notice, userspace).catch(coldWithout(options))
    : undefined;
  if (!agentInitramfs) {
    await writeInitramfs(
      initramfs,
      { modules: options.modules, files: options.files, stepMarkers: !options.machine.interactive, userspace },
      options.workDir,
    );
    return launchGuest(options, { ...options.machine, initramfs, agentSocket: join(options.workDir, "agent.sock") });
  }
  const paths = {
    initramfs: agentInitramfs,
    agentSocket: join(options.workDir, "agent.sock"),
    monitorSocket: join(options.workDir, "qmp.sock"),
  };
  // A guest booted to be saved keeps its RAM in the run's temp dir; the save copies it to the cache.
  const machine = { ...options.machine, ...paths, memoryFile: { path: join(options.workDir, "guest.ram"), shared: true } };
  const key = await keyFor(options, machine);
  const saved = await findState(key, options.env, options.notice);
  // Stripping the modules (and the execa import that comes with it, 100-160 ms) runs while QEMU
  // restores or boots: launchGuest() starts QEMU before its first await.
  const sends = prepareSends(options);
  sends.catch(() => undefined);
  if (saved) {
    const restoring = { ...machine, memoryFile: { path: saved.ram, shared: false }, awaitIncoming: true };
    const restored = await launchGuest(
      { ...options, helloTimeoutMs: Math.min(RESTORE_DEADLINE_MS, options.helloTimeoutMs) },
      restoring,
      saved.state,
    );
    if (restored.session) {
      await markUsed(key, options.env);
      return ready(restored, await sends, options.signal);
    }
    await restored.monitor.close();
    const qemuError = findQemuError((await restored.qemu.stop()).stderr) ?? printableQemuText(restored.restoreError ?? "");
    if (options.signal?.aborted) return restored;
    options.notice(`the saved guest state did not restore${qemuError ? ` (${qemuError})` : " in time"}; booting cold and saving a new one`);
    await removeState(key, options.env);
  }
  const booted = await launchGuest(options, machine);
  if (booted.session) await saveState(options, machine, key, booted.qemu);
  if (options.signal?.aborted) return interrupted(booted);
  return booted.session ? ready(booted, await sends, options.signal) : booted;
}

// Interrupted once QEMU ran (during the state save or a transfer): stopped, with no session, which
// the caller reports as an interruption before any step.
async function interrupted(guest: Guest): Promise<Guest> {
  guest.session?.close();
  await guest.qemu.stop();
  return { ...guest, session: undefined };
}

// A cache that cannot be written (read-only, full) means no warm start: the guest boots as with --cold.
const coldWithout = (options: StartGuestOptions) => (error: unknown) => {
  if (!isWriteError(error)) throw error;
  options.notice(`${describeCacheWriteFailure(error, kforgeCacheDir(options.env))}: booting cold, without saved guest states`);
  return undefined;
};

// With `incomingState` the guest is restored from it instead of booted.
async function launchGuest(
  options: StartGuestOptions,
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
  if (restored) {
    void restoreGuestState(machine.monitorSocket!, incomingState, () => !running.hasExited()).catch((error: Error) => {
      restoreError = error.message;
      void running.stop();
    });
  }
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
    restoreError,
  };
}

interface Send {
  guestPath: string;
  data: Buffer;
}

const prepareSends = (options: StartGuestOptions): Promise<Send[]> =>
  Promise.all([
    ...options.modules.map(async (path) => ({
      guestPath: `${GUEST_MODULE_DIR}/${basename(path).replace(/\.(xz|zst|gz)$/, "")}`,
      data: await withoutDebugInfo(await readModuleFile(path, options.workDir), options.workDir),
    })),
    ...options.files.map(async (path) => ({ guestPath: `${GUEST_WORK_DIR}/${basename(path)}`, data: await readFile(path) })),
  ]);

// Refreshes a restored guest's clock and random pool (it would otherwise carry the saved time and
// the saved pool), then sends the project's files.
async function ready(guest: Guest, sends: Send[], signal?: AbortSignal): Promise<Guest> {
  const session = guest.session!;
  // busybox date takes whole seconds: the nearest one is off by half a second at most. The seed's
  // text is mixed into the pool as it is (512 random bits in 88 characters), with no decoder to fork.
  if (guest.start === "restored") session.refresh(Math.round(Date.now() / 1000), randomBytes(64).toString("base64"));
  for (const { guestPath, data } of sends) {
    if (signal?.aborted) return interrupted(guest);
    const sent = Date.now();
    const outcome = await session.sendFile(guestPath, data, { timeoutMs: transferTimeoutMs(data.length) });
    // Ctrl-C closes the channel under a transfer: the caller reports the interruption.
    if (outcome !== "sent" && signal?.aborted) return interrupted(guest);
    if (outcome !== "sent") {
      session.close();
      await guest.qemu.stop();
      throw new KforgeError(`sending ${guestPath} (${data.length} bytes) into the guest failed after ${Date.now() - sent} ms: ${outcome}`, {
        hint: "run again with --cold, which puts the files into the initramfs instead",
      });
    }
  }
  return guest;
}

const SIGNATURE_MARKER = Buffer.from("~Module signature appended~\n");

// The serial channel moves about 100 KB/s under TCG, and debug info is most of a module built with
// it; the guest never reads it (crash reports are located from the host's copy). A signed module
// is sent as is: stripping would break its signature.
export async function withoutDebugInfo(data: Buffer, workDir: string): Promise<Buffer> {
  if (data.subarray(-SIGNATURE_MARKER.length).equals(SIGNATURE_MARKER)) return data;
  const input = join(workDir, `strip-${randomBytes(4).toString("hex")}.ko`);
  await writeFile(input, data);
  const stripped = await run(binutilsFor("objcopy", elfHeaderMachine(data)), ["--strip-debug", input, `${input}.out`]);
  return stripped.failed ? data : readFile(`${input}.out`);
}
