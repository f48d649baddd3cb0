// Boots a throwaway guest, loads the modules, runs the test steps, unloads, and reports. QEMU is
// always stopped and the temp dir removed, whatever happens (panic, timeout, Ctrl-C).
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { InterruptedError } from "../errors.js";
import { ConsoleMonitor } from "./console-monitor.js";
import { openGuestSession, type GuestSession } from "./guest-channel.js";
import { writeInitramfs } from "./initramfs.js";
import { createQemuArguments, type Accel } from "./qemu-arguments.js";
import { findQemu, startQemu, type QemuProcess } from "./qemu-process.js";
import { summarizeTaint, toJsonCrashes, type VmResult } from "./report.js";
import { executeSteps, type StepEvents } from "./step-runner.js";
import type { PlannedStep } from "./vm-plan.js";

export interface VmRunOptions {
  release: string;
  bootImage: { path: string; entry: "pvh" | "bzimage" };
  accel: Accel;
  // KVM has not been seen to work here: give up on it when nothing shows within `probeMs`.
  probeMs?: number;
  modules: string[];
  files: string[];
  steps: { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] };
  timeoutMs: number;
  memoryMb: number;
  append?: string[];
  shell?: boolean;
  consoleLogPath?: string;
  signal?: AbortSignal;
  events?: StepEvents;
}

interface Guest {
  qemu: QemuProcess;
  monitor: ConsoleMonitor;
  session: GuestSession | undefined;
  bootMs: number;
}

export async function runVm(options: VmRunOptions): Promise<VmResult & { kvmProbeFailed?: boolean }> {
  const qemuBinary = await findQemu();
  const workDir = await mkdtemp(join(tmpdir(), "kforge-vm-"));
  let guest: Guest | undefined;
  try {
    const initramfs = join(workDir, "initramfs.cpio");
    await writeInitramfs(initramfs, { modules: options.modules, files: options.files }, workDir);
    const deadline = Date.now() + options.timeoutMs;
    guest = await bootGuest(qemuBinary, workDir, initramfs, options, Math.min(options.probeMs ?? Infinity, options.timeoutMs));
    if (!guest.session) {
      const probeFailed = options.probeMs !== undefined && guest.monitor.lines.length === 0 && !options.signal?.aborted;
      return await finish(options, guest, [], probeFailed ? { end: "boot-timeout", diagnosis: "KVM produced no console output" } : bootFailure(guest), { kvmProbeFailed: probeFailed });
    }
    const outcome = await executeSteps(guest.session, guest.monitor, options.steps, { deadline, signal: options.signal, events: options.events, shell: options.shell });
    if (options.signal?.aborted) throw new InterruptedError();
    const end = guest.monitor.panic ? { end: "panic" as const, diagnosis: `the kernel panicked: ${guest.monitor.panic.title}` } : outcome.end;
    if (!guest.monitor.panic && outcome.end.end === "completed") await powerOff(guest);
    return await finish(options, guest, outcome.steps, end, { taintBefore: outcome.taintBefore, taintAfter: outcome.taintAfter });
  } finally {
    if (guest) {
      guest.session?.close();
      await guest.qemu.stop();
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

async function bootGuest(binary: string, workDir: string, initramfs: string, options: VmRunOptions, helloTimeoutMs: number): Promise<Guest> {
  const socketPath = join(workDir, "agent.sock");
  const args = createQemuArguments({
    accel: options.accel, kernelImage: options.bootImage.path, initramfs, agentSocket: socketPath,
    memoryMb: options.memoryMb, append: options.append, interactive: options.shell,
  });
  const started = Date.now();
  let qemu: QemuProcess | undefined;
  const monitor = new ConsoleMonitor(() => void qemu?.stop());
  qemu = startQemu(binary, args, { onLine: (line) => monitor.feed(line), interactive: options.shell });
  const stop = () => void qemu?.stop();
  options.signal?.addEventListener("abort", stop, { once: true });
  void qemu.exited.finally(() => options.signal?.removeEventListener("abort", stop));
  const session = await openGuestSession({ socketPath, console: monitor, helloTimeoutMs, signal: options.signal, watchesConsole: !options.shell });
  if (options.signal?.aborted) {
    await qemu.stop();
    throw new InterruptedError();
  }
  return { qemu, monitor, session, bootMs: Date.now() - started };
}

function bootFailure(guest: Guest): { end: VmResult["end"]; diagnosis: string } {
  if (guest.monitor.panic) return { end: "panic", diagnosis: `the kernel panicked during boot: ${guest.monitor.panic.title}` };
  if (guest.qemu.hasExited()) return { end: "qemu-exited", diagnosis: "QEMU exited before the guest reached the init script" };
  const last = guest.monitor.lines.filter((line) => line.trim()).pop();
  return {
    end: "boot-timeout",
    diagnosis: `the boot never reached the init script within the timeout${last ? `; last console line: ${last.trim()}` : " (no console output at all)"}`,
  };
}

async function powerOff(guest: Guest): Promise<void> {
  guest.session?.powerOff();
  await Promise.race([guest.qemu.exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
}

async function finish(
  options: VmRunOptions,
  guest: Guest,
  steps: VmResult["steps"],
  end: { end: VmResult["end"]; diagnosis?: string },
  extra: { taintBefore?: number; taintAfter?: number; kvmProbeFailed?: boolean },
): Promise<VmResult & { kvmProbeFailed?: boolean }> {
  if (!guest.qemu.hasExited()) await guest.qemu.stop();
  const qemuResult = await guest.qemu.exited;
  const qemuError = qemuResult.stderr.split("\n").find((line) => line.startsWith("qemu-system"))?.trim();
  const diagnosis = end.end === "qemu-exited" && qemuError ? `${end.diagnosis}: ${qemuError}` : end.diagnosis;
  if (options.consoleLogPath) {
    await mkdir(dirname(options.consoleLogPath), { recursive: true });
    await writeFile(options.consoleLogPath, guest.monitor.lines.join("\n") + "\n");
  }
  const crashes = guest.monitor.crashes.reports;
  const ok = end.end === "completed" && steps.every((step) => step.ok) && crashes.length === 0;
  return {
    ok,
    release: guest.session?.release || options.release,
    accel: options.accel,
    bootMs: guest.bootMs,
    steps,
    crashes: toJsonCrashes(crashes),
    taint: summarizeTaint(extra.taintBefore ?? 0, extra.taintAfter ?? extra.taintBefore ?? 0),
    end: end.end,
    ...(diagnosis ? { diagnosis } : {}),
    kernelImage: options.bootImage.path,
    bootEntry: options.bootImage.entry,
    consoleLog: options.consoleLogPath,
    notices: [],
    ...(extra.kvmProbeFailed ? { kvmProbeFailed: true } : {}),
  };
}
