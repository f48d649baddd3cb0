// Starts the guest a run needs: restored from a saved state when one matches the machine, else
// booted (and, when warm starts are on, its state saved right after the agent's hello, before any
// project file is in it). With warm starts the initramfs holds no project file: once the agent
// answers, the guest mounts the run's 9p share holding the modules and test files (vm/share/), or
// they are sent over the channel (transfer.ts), and the clock and random pool are refreshed from
// the host. With the host userspace (vm/host-root/) its 9p exports are part of the machine and its
// modules of the initramfs, and the guest mounts them once the agent answers, cold or restored.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { describeCacheWriteFailure } from "../../fs/cache-file.js";
import { isWriteError } from "../../fs/write-error.js";
import { keyFor, saveState } from "./saved-state.js";
import { cachedAgentInitramfs, writeInitramfs } from "./initramfs.js";
import { fitGuestMemory } from "./memory.js";
import { type Guest, launchGuest } from "./launch-guest.js";
import { prepareSends, sendOverSerial, type Send } from "./transfer.js";
import type { QemuOptions } from "../qemu/arguments.js";
import { X86_64_MACHINE } from "../qemu/guest-machine.js";
import { guestUserspace, withBootModules, type GuestUserspace } from "./userspace.js";
import { findQemuError, printableQemuText } from "../qemu/process.js";
import { fileShareMounted, mountFileShare, planFileShare, type FileShare } from "../share/file-share.js";
import { fileShareMountCommand } from "../share/mount.js";
import { stageFiles } from "../share/staging.js";
import { mountHostRoot } from "../host-root/mount.js";
import { prepareHostRoot, type HostRoot } from "../host-root/prepare.js";
import type { HostRootView } from "../host-root/view.js";
import { findState, markUsed, removeState } from "../snapshot/store.js";

export interface StartGuestOptions {
  qemuBinary: string;
  workDir: string;
  release: string;
  machine: Omit<QemuOptions, "initramfs" | "agentSocket" | "monitorSocket" | "memoryFile" | "awaitIncoming" | "sharedFolders">;
  modules: string[];
  files: string[];
  // The release's in-tree modules, where a warm start finds the 9p modules of its file share.
  modulesDir?: string;
  // When the run's --timeout ends (epoch ms): sending files over the serial port stops there.
  deadline?: number;
  helloTimeoutMs: number;
  // Restore from (and save) guest states; off for --cold, --shell and the KVM probe.
  warm: boolean;
  // Neither --memory nor vm.memory was given: a cold guest gets what its initramfs needs.
  memoryIsDefault?: boolean;
  env?: NodeJS.ProcessEnv;
  // Aborting stops QEMU while the guest starts; once it has started, the caller stops it.
  signal?: AbortSignal;
  // Where the console goes as it streams (its dir exists); each start rewrites it.
  consoleLogPath?: string;
  // Run the test steps in the host's userspace (vm.userspace "host").
  hostRoot?: HostRootView;
  notice: (message: string) => void;
  // Progress of a slow step (a large transfer over the serial port), not news: never in the report.
  progress?: (message: string) => void;
}

// A restored guest that has not answered by then is given up for a cold boot.
const RESTORE_DEADLINE_MS = 10_000;
// Over the serial port (about 75 KB/s under TCG) more than this takes longer than the 2-3 s a cold
// boot costs over a restore: such a run boots cold with its files in the initramfs.
const SERIAL_BREAK_EVEN_BYTES = 160 * 1024;

export async function startGuest(options: StartGuestOptions): Promise<Guest> {
  const view = options.hostRoot;
  const hostRoot = view && (await prepareHostRoot({ ...options, view }));
  return startMachine(options, hostRoot);
}

async function startMachine(options: StartGuestOptions, hostRoot: HostRoot | undefined): Promise<Guest> {
  const userspace = withBootModules(await guestUserspace(options.machine.guest ?? X86_64_MACHINE, options.release, options.env), hostRoot);
  const share = options.warm ? await planFileShare({ ...options, hasFiles: options.modules.length + options.files.length > 0 }) : undefined;
  const agentInitramfs = options.warm
    ? await cachedAgentInitramfs(options.env, options.notice, withBootModules(userspace, share)).catch(coldWithout(options))
    : undefined;
  if (!agentInitramfs) return startCold(options, userspace, hostRoot);
  // Over 9p the files are staged (hard links and decompressed copies) while QEMU restores or boots;
  // over the serial port they are stripped of debug info first (and with them the execa import,
  // 100-160 ms), which launchGuest() overlaps too: it starts QEMU before its first await.
  const transfer: Promise<Transfer> = share
    ? stageFiles(share.folder.path, options, options.workDir).then(() => ({ share }))
    : prepareSends(options).then((sends) => ({ sends }));
  transfer.catch(() => undefined);
  // A virtio-serial port (arm guests) moves megabytes a second: only a UART is slower than a cold boot.
  if (!share && userspace.agentPortIsTty && (await serialSlowerThanCold(transfer, options))) return startCold(options, userspace, hostRoot);
  const paths = {
    initramfs: agentInitramfs,
    agentSocket: join(options.workDir, "agent.sock"),
    monitorSocket: join(options.workDir, "qmp.sock"),
  };
  // A guest booted to be saved keeps its RAM in the run's temp dir; the save copies it to the cache.
  const machine = {
    ...options.machine,
    ...paths,
    memoryFile: { path: join(options.workDir, "guest.ram"), shared: true },
    sharedFolders: [...(share ? [share.folder] : []), ...(hostRoot?.folders ?? [])],
  };
  const key = await keyFor(options, machine);
  const saved = await findState(key, options.env, options.notice);
  if (saved) {
    const restoring = { ...machine, memoryFile: { path: saved.ram, shared: false }, awaitIncoming: true };
    const restored = await launchGuest(
      { ...options, helloTimeoutMs: Math.min(RESTORE_DEADLINE_MS, options.helloTimeoutMs) },
      restoring,
      saved.state,
    );
    if (restored.session) {
      await markUsed(key, options.env);
      return ready(restored, await transfer, options);
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
  return booted.session ? ready(booted, await transfer, options) : booted;
}

// The files travel in the initramfs: --cold, --shell, a cache that cannot be written, or files too
// big for the serial port.
async function startCold(options: StartGuestOptions, userspace: GuestUserspace, hostRoot: HostRoot | undefined): Promise<Guest> {
  const initramfs = join(options.workDir, "initramfs.cpio");
  const size = await writeInitramfs(
    initramfs,
    { modules: options.modules, files: options.files, stepMarkers: !options.machine.interactive, userspace },
    options.workDir,
  );
  const memory = fitGuestMemory({ mb: options.machine.memoryMb, isDefault: options.memoryIsDefault ?? false }, size);
  if (memory.notice) options.notice(memory.notice);
  const machine = {
    ...options.machine,
    memoryMb: memory.memoryMb,
    initramfs,
    agentSocket: join(options.workDir, "agent.sock"),
    ...(hostRoot ? { sharedFolders: hostRoot.folders } : {}),
  };
  const guest = { ...(await launchGuest(options, machine)), initramfs: size };
  if (guest.session && options.hostRoot && !options.signal?.aborted)
    await mountHostUserspace(guest, options.hostRoot, mountTimeout(options));
  return guest;
}

type Transfer = { share: FileShare } | { sends: Send[] };

async function serialSlowerThanCold(transfer: Promise<Transfer>, options: StartGuestOptions): Promise<boolean> {
  const prepared = await transfer;
  const bytes = "sends" in prepared ? prepared.sends.reduce((total, send) => total + send.data.length, 0) : 0;
  if (bytes <= SERIAL_BREAK_EVEN_BYTES) return false;
  options.notice(`${Math.round(bytes / 1024)} KB of files over the serial port would take longer than a cold boot: booting cold`);
  return true;
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

// Refreshes a restored guest's clock and random pool (it would otherwise carry the saved time and
// the saved pool), then gives it the project's files: the shared folder mounted, or each file sent;
// with the host userspace, its view is mounted in the same command as the shared folder.
async function ready(guest: Guest, transfer: Transfer, options: StartGuestOptions): Promise<Guest> {
  const session = guest.session!;
  // busybox date takes whole seconds: the nearest one is off by half a second at most. The seed's
  // text is mixed into the pool as it is (512 random bits in 88 characters), with no decoder to fork.
  if (guest.start === "restored") session.refresh(Math.round(Date.now() / 1000), randomBytes(64).toString("base64"));
  const share = "share" in transfer;
  const mounted = options.hostRoot
    ? await mountHostUserspace(guest, options.hostRoot, mountTimeout(options), share ? options.notice : undefined)
    : share && (await mountFileShare(session, mountTimeout(options), options.notice));
  if (options.signal?.aborted) return interrupted(guest);
  if (mounted) return guest;
  const sends = "sends" in transfer ? transfer.sends : await prepareSends(options);
  try {
    const sent = await sendOverSerial(session, sends, { deadline: options.deadline, signal: options.signal, progress: options.progress });
    return sent === "sent" ? guest : interrupted(guest);
  } catch (error) {
    session.close();
    await guest.qemu.stop();
    throw error;
  }
}

// Mounting takes tens of milliseconds; a guest that has not mounted by then is sent the files instead.
const MOUNT_TIMEOUT_MS = 10_000;
const mountTimeout = (options: StartGuestOptions) => Math.min(Math.max(0, (options.deadline ?? Infinity) - Date.now()), MOUNT_TIMEOUT_MS);

// The host userspace's mounts, with a warm start's file share (`shareNotice`) in the same command:
// one agent round trip after a restore. true when the share is mounted; a view that could not be
// mounted stops the guest and is an error.
async function mountHostUserspace(guest: Guest, view: HostRootView, timeoutMs: number, shareNotice?: (message: string) => void) {
  try {
    const outcome = await mountHostRoot(guest.session!, view, timeoutMs, shareNotice && fileShareMountCommand());
    return shareNotice !== undefined && fileShareMounted(outcome, shareNotice);
  } catch (error) {
    await interrupted(guest);
    await guest.monitor.close();
    throw error;
  }
}
