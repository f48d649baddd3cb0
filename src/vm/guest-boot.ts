// Boots a guest that stays up: `kforge watch` sends it new modules and commands over the agent
// session instead of rebooting per change. The initramfs carries only busybox and the agent; modules
// arrive later through the session's sendFile (guest-files.ts).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chooseAccel, type AccelRequest } from "./accel.js";
import { ConsoleMonitor } from "./console-monitor.js";
import { openGuestSession, type GuestSession } from "./guest-channel.js";
import { writeInitramfs } from "./initramfs.js";
import { KVM_PROBE_MS } from "./launch.js";
import { createQemuArguments, type Accel } from "./qemu-arguments.js";
import { findQemu, startQemu } from "./qemu-process.js";
import type { BootImage } from "./vmlinux.js";

export interface RunningGuest {
  session: GuestSession;
  monitor: ConsoleMonitor;
  accel: Accel;
  bootMs: number;
  hasExited(): boolean;
  // Powers the guest off (forcefully after a grace period) and removes its temp dir.
  stop(): Promise<void>;
}

export interface GuestBootOptions {
  bootImage: BootImage;
  accel: AccelRequest;
  memoryMb: number;
  append?: string[];
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  // Where the modules' sources are, to name the faulting line in crash reports.
  sourceDir?: string;
}

export async function bootRunningGuest(options: GuestBootOptions): Promise<RunningGuest | undefined> {
  const choice = await chooseAccel(options.accel, options.env);
  const first = await bootOnce(options, choice.accel, choice.probe ? KVM_PROBE_MS : options.timeoutMs);
  if (first || !choice.probe || options.signal?.aborted) return first;
  return bootOnce(options, "tcg", options.timeoutMs);
}

async function bootOnce(options: GuestBootOptions, accel: Accel, helloTimeoutMs: number): Promise<RunningGuest | undefined> {
  const qemuBinary = await findQemu();
  const workDir = await mkdtemp(join(tmpdir(), "kforge-watch-vm-"));
  const initramfs = join(workDir, "initramfs.cpio");
  await writeInitramfs(initramfs, { modules: [], files: [] }, workDir);
  const socketPath = join(workDir, "agent.sock");
  const args = createQemuArguments({ accel, kernelImage: options.bootImage.path, initramfs, agentSocket: socketPath, memoryMb: options.memoryMb, append: options.append });
  const started = Date.now();
  const monitor = new ConsoleMonitor();
  const running = startQemu(qemuBinary, args, { onLine: (line) => monitor.feed(line) });
  const session = await openGuestSession({ socketPath, console: monitor, helloTimeoutMs, signal: options.signal });
  const stop = async () => {
    session?.powerOff();
    await Promise.race([running.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    session?.close();
    await running.stop();
    await rm(workDir, { recursive: true, force: true });
  };
  if (!session || options.signal?.aborted) {
    await stop();
    return undefined;
  }
  return { session, monitor, accel, bootMs: Date.now() - started, hasExited: () => running.hasExited(), stop };
}
