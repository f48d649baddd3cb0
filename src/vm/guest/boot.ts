// Starts a guest that stays up: `kforge watch` sends it new modules and commands over the agent
// session instead of rebooting per change. The initramfs carries only busybox and the agent; modules
// arrive later through the session's sendFile (guest/files.ts).
import { rm } from "node:fs/promises";
import { createRunDir } from "../../process/run-dirs.js";
import { chooseAccel, type AccelRequest } from "../qemu/accel.js";
import type { ConsoleMonitor } from "./console-monitor.js";
import type { GuestSession } from "./channel.js";
import { KVM_PROBE_MS } from "../launch.js";
import type { Accel } from "../qemu/arguments.js";
import { findDeviceError } from "../qemu/devices.js";
import { findQemu, findQemuError } from "../qemu/process.js";
import { checkGuestMemory, guestMachineFor, type GuestMachine } from "../qemu/guest-machine.js";
import { startGuest } from "./start.js";
import type { BootImage } from "../qemu/vmlinux.js";
import type { HostRootView } from "../host-root/view.js";

export interface RunningGuest {
  session: GuestSession;
  monitor: ConsoleMonitor;
  accel: Accel;
  bootMs: number;
  start: "booted" | "restored";
  hasExited(): boolean;
  // Powers the guest off (forcefully after a grace period) and removes its temp dir.
  stop(): Promise<void>;
}

export interface GuestBootOptions {
  // The guest kernel's release, recorded with a saved state.
  release: string;
  bootImage: BootImage;
  accel: AccelRequest;
  memoryMb: number;
  append?: string[];
  // QEMU -device values (qemu/devices.ts).
  devices?: string[];
  // Never restore a saved state (devices QEMU cannot restore: qemu/devices.ts bootReason).
  cold?: boolean;
  timeoutMs: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  // Where the modules' sources are, to name the faulting line in crash reports.
  sourceDir?: string;
  // Where the console goes as it streams (each boot rewrites it).
  consoleLogPath?: string;
  // The host userspace the test steps run in, mounted at every start (vm/host-root/).
  hostRoot?: HostRootView;
  // A saved state that did not restore (the guest was booted instead), a damaged cache file discarded.
  onNotice?: (message: string) => void;
}

export async function bootRunningGuest(options: GuestBootOptions): Promise<RunningGuest | undefined> {
  const machine = guestMachineFor(options.bootImage.architecture, options.bootImage.path);
  checkGuestMemory(machine, options.memoryMb);
  const choice = await chooseAccel(options.accel, options.env, options.onNotice, machine);
  const first = await bootOnce(options, machine, choice.accel, choice.probe ? KVM_PROBE_MS : options.timeoutMs, !choice.probe);
  if (first || !choice.probe || options.signal?.aborted) return first;
  return bootOnce(options, machine, "tcg", options.timeoutMs, true);
}

// Restored from a saved state like `kforge vm` (guest/start.ts), except for the first KVM probe boot:
// a restart after a crash then takes a restore, not a boot.
async function bootOnce(
  options: GuestBootOptions,
  machine: GuestMachine,
  accel: Accel,
  helloTimeoutMs: number,
  warm: boolean,
): Promise<RunningGuest | undefined> {
  const qemuBinary = await findQemu(machine);
  const workDir = await createRunDir("watch-vm");
  const guest = await startGuest({
    qemuBinary,
    workDir,
    release: options.release,
    modules: [],
    files: [],
    helloTimeoutMs,
    warm: warm && !options.cold,
    hostRoot: options.hostRoot,
    env: options.env,
    signal: options.signal,
    consoleLogPath: options.consoleLogPath,
    machine: {
      accel,
      guest: machine,
      kernelImage: options.bootImage.path,
      memoryMb: options.memoryMb,
      append: options.append,
      devices: options.devices,
    },
    notice: options.onNotice ?? (() => undefined),
  }).catch(async (error: unknown) => {
    await rm(workDir, { recursive: true, force: true });
    throw error;
  });
  const { session, qemu } = guest;
  const stop = async () => {
    session?.powerOff();
    await Promise.race([qemu.exited, new Promise((resolve) => setTimeout(resolve, 2000))]);
    session?.close();
    await qemu.stop();
    await guest.monitor.close();
    await rm(workDir, { recursive: true, force: true });
  };
  if (!session || options.signal?.aborted) {
    const deviceError = qemu.hasExited() ? findDeviceError(findQemuError((await qemu.exited).stderr)) : undefined;
    await stop();
    if (deviceError) throw deviceError;
    return undefined;
  }
  return { session, monitor: guest.monitor, accel, bootMs: guest.bootMs, start: guest.start, hasExited: () => qemu.hasExited(), stop };
}
