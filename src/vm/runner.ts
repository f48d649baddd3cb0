// Boots a throwaway guest, loads the modules, runs the test steps, unloads, and reports. QEMU is
// always stopped and the temp dir removed, whatever happens (panic, timeout, Ctrl-C).
import { mkdir, rm } from "node:fs/promises";
import { dirname } from "node:path";
import type { CrashReport } from "../kernel-log/crash.js";
import { locateCrash } from "../kernel-log/locate-crash.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import { createRunDir, removeDeadRunDirs } from "../process/run-dirs.js";
import { describeBootFailure } from "./qemu/boot-failure.js";
import { findDeviceError } from "./qemu/devices.js";
import type { Accel } from "./qemu/arguments.js";
import { findQemu, findQemuError } from "./qemu/process.js";
import { guestMachineFor } from "./qemu/guest-machine.js";
import type { BootImage } from "./qemu/vmlinux.js";
import { summarizeTaint, toJsonCrashes, type SkippedStep, type VmResult } from "./report.js";
import { LeakCheck } from "./leak-check.js";
import { findStepsAfterDeath, tallyModules } from "./module-tally.js";
import type { Guest } from "./guest/launch-guest.js";
import { startGuest } from "./guest/start.js";
import { describeIncompleteInitramfs } from "./guest/unpack-check.js";
import { type BeforeUnload, executeSteps, type StepEvents } from "./step-runner.js";
import type { PlannedStep } from "./plan.js";
import type { HostRootView } from "./host-root/view.js";

export interface VmRunOptions {
  release: string;
  bootImage: BootImage;
  accel: Accel;
  // KVM has not been seen to work here: give up on it when the guest has not reached init within `probeMs`.
  probeMs?: number;
  modules: string[];
  files: string[];
  // The release's in-tree modules (a warm start's file share loads its 9p modules from there).
  modulesDir?: string;
  steps: { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] };
  timeoutMs: number;
  memoryMb: number;
  // Neither --memory nor vm.memory: a cold guest gets what its initramfs needs (guest/memory.ts).
  memoryIsDefault?: boolean;
  append?: string[];
  devices?: string[];
  shell?: boolean;
  // A failed load skips only the modules that need it (see step-runner.ts).
  keepGoing?: boolean;
  consoleLogPath?: string;
  signal?: AbortSignal;
  events?: StepEvents;
  // Restore a saved guest state when one matches, else boot and save one (guest/start.ts).
  warm?: boolean;
  // The kernel has kmemleak: scan for the project modules' leaks after they are unloaded.
  kmemleak?: boolean;
  beforeUnload?: BeforeUnload;
  env?: NodeJS.ProcessEnv;
  // Said as it happens (a warm start that fell back), besides the result's notices.
  onNotice?: (message: string) => void;
  // Progress of a slow transfer into the guest: said, never in the result.
  onProgress?: (message: string) => void;
  // The test steps run in the host's userspace, mounted once the guest answers (vm/host-root/).
  hostRoot?: HostRootView;
}

export async function runVm(options: VmRunOptions): Promise<VmResult & { kvmProbeFailed?: boolean }> {
  const guestMachine = guestMachineFor(options.bootImage.architecture, options.bootImage.path);
  const [qemuBinary] = await Promise.all([findQemu(guestMachine), removeDeadRunDirs()]);
  const workDir = await createRunDir("vm");
  let guest: Guest | undefined;
  const notices: string[] = [];
  const stopGuest = () => void guest?.qemu.stop();
  try {
    const deadline = Date.now() + options.timeoutMs;
    if (options.consoleLogPath) await mkdir(dirname(options.consoleLogPath), { recursive: true });
    guest = await startGuest({
      qemuBinary,
      workDir,
      release: options.release,
      modules: options.modules,
      files: options.files,
      modulesDir: options.modulesDir,
      deadline,
      machine: {
        accel: options.accel,
        guest: guestMachine,
        kernelImage: options.bootImage.path,
        memoryMb: options.memoryMb,
        append: options.append,
        devices: options.devices,
        interactive: options.shell,
      },
      helloTimeoutMs: Math.min(options.probeMs ?? Infinity, options.timeoutMs),
      warm: (options.warm ?? false) && !options.shell && options.probeMs === undefined,
      memoryIsDefault: options.memoryIsDefault,
      hostRoot: options.hostRoot,
      env: options.env,
      signal: options.signal,
      consoleLogPath: options.consoleLogPath,
      notice: (message) => {
        notices.push(message);
        options.onNotice?.(message);
      },
      progress: options.onProgress,
    });
    // A throwaway guest stops at once on Ctrl-C: the step running ends as "closed", reported as interrupted.
    options.signal?.addEventListener("abort", stopGuest, { once: true });
    if (!guest.session) {
      // A device QEMU does not know is the user's to fix, not a failed boot (and not a KVM problem).
      const deviceError = guest.qemu.hasExited() ? findDeviceError(findQemuError((await guest.qemu.exited).stderr)) : undefined;
      if (deviceError) throw deviceError;
      // A hanging nested KVM may print a few early lines before it stops: not reaching init is what
      // counts. A QEMU that exited (a bad --memory or image) says nothing about KVM.
      const probeFailed = options.probeMs !== undefined && !guest.monitor.panic && !options.signal?.aborted && !guest.qemu.hasExited();
      const end = probeFailed
        ? { end: "boot-timeout" as const, diagnosis: "the KVM boot did not reach the init script" }
        : await describeFailedBoot(options, guest);
      return await finish(options, guest, { steps: [], skipped: skipAll(options.steps, "the guest did not boot") }, end, {
        notices,
        kvmProbeFailed: probeFailed,
      });
    }
    const unpack = describeIncompleteInitramfs({
      consoleError: guest.monitor.unpackFailure,
      whole: guest.session.initramfsWhole,
      memoryMb: guest.memoryMb,
      initramfs: guest.initramfs,
    });
    if (unpack) {
      const skipped = skipAll(options.steps, "the initramfs did not unpack whole");
      return await finish(
        options,
        guest,
        { steps: [], skipped },
        { end: "initramfs-incomplete", ...unpack },
        {
          notices,
          taintBefore: guest.session.initialTaint,
          taintAfter: guest.session.initialTaint,
        },
      );
    }
    const leakCheck = options.kmemleak ? new LeakCheck(projectModules(options)) : undefined;
    const outcome = await executeSteps(guest.session, guest.monitor, options.steps, {
      deadline,
      signal: options.signal,
      events: options.events,
      shell: options.shell,
      keepGoing: options.keepGoing,
      leakCheck,
      beforeUnload: options.beforeUnload,
    });
    // A panic line alone ends nothing (a module can print one): the run ended by a panic only when a
    // step did not finish (step-runner.ts describeUnfinished).
    const end = options.signal?.aborted
      ? { end: "interrupted" as const, diagnosis: `interrupted after ${outcome.steps.length} step${outcome.steps.length === 1 ? "" : "s"}` }
      : outcome.end;
    // A throwaway guest needs no clean power-off: every result is in, so finish() just stops QEMU.
    return await finish(options, guest, outcome, end, { notices, taintBefore: outcome.taintBefore, taintAfter: outcome.taintAfter });
  } finally {
    options.signal?.removeEventListener("abort", stopGuest);
    if (guest) {
      guest.session?.close();
      await guest.qemu.stop();
      await guest.monitor.close();
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

// The modules the run unloads (the project's own), with their host paths.
function projectModules(options: VmRunOptions): { name: string; path: string }[] {
  return options.steps.unloads.flatMap((step) => {
    const path = options.modules.find((candidate) => moduleNameFromPath(candidate) === step.module);
    return path && step.module ? [{ name: step.module, path }] : [];
  });
}

function skipAll(plan: VmRunOptions["steps"], reason: string): SkippedStep[] {
  return [...plan.loads, ...plan.tests, ...plan.unloads].map((step) => ({
    name: step.name,
    kind: step.kind,
    ...(step.module ? { module: step.module } : {}),
    reason,
  }));
}

async function describeFailedBoot(
  options: VmRunOptions,
  guest: Guest,
): Promise<{ end: VmResult["end"]; diagnosis: string; hint?: string }> {
  const qemuExited = guest.qemu.hasExited();
  const exit = qemuExited ? await guest.qemu.exited : undefined;
  const qemuError = exit ? findQemuError(exit.stderr) : undefined;
  return describeBootFailure({
    qemuExit: exit && { code: exit.exitCode, signal: exit.signal },
    timeoutMs: options.timeoutMs,
    accel: options.accel,
    lastConsoleLine: guest.monitor.lastLine,
    panicTitle: guest.monitor.panic?.title,
    qemuExited,
    qemuError,
    interrupted: options.signal?.aborted ?? false,
    consoleLog: options.consoleLogPath,
  });
}

async function finish(
  options: VmRunOptions,
  guest: Guest,
  ran: { steps: VmResult["steps"]; skipped: SkippedStep[] },
  end: { end: VmResult["end"]; diagnosis?: string; hint?: string },
  extra: { notices: string[]; taintBefore?: number; taintAfter?: number; kvmProbeFailed?: boolean },
): Promise<VmResult & { kvmProbeFailed?: boolean }> {
  if (!guest.qemu.hasExited()) await guest.qemu.stop();
  const qemuResult = await guest.qemu.exited;
  const qemuError = findQemuError(qemuResult.stderr);
  const diagnosis =
    end.end === "qemu-exited" && qemuError && !end.diagnosis?.includes(qemuError) ? `${end.diagnosis}: ${qemuError}` : end.diagnosis;
  await guest.monitor.close();
  const crashes = guest.monitor.crashes.reports;
  await locateCrashes(crashes, options.modules);
  const ok = end.end === "completed" && ran.steps.every((step) => step.ok) && crashes.length === 0;
  const notices = guest.monitor.crashes.dropped
    ? [
        ...extra.notices,
        `${guest.monitor.crashes.dropped} more crash reports than the first ${crashes.length} were not kept; the console log has them`,
      ]
    : extra.notices;
  return {
    ok,
    release: guest.session?.release || options.release,
    accel: options.accel,
    bootMs: guest.bootMs,
    booted: guest.session !== undefined,
    start: guest.start,
    steps: ran.steps,
    skipped: ran.skipped,
    crashes: toJsonCrashes(crashes),
    taint: summarizeTaint(extra.taintBefore, extra.taintAfter),
    modules: tallyModules(options.steps.loads, ran.steps, ran.skipped),
    ...findStepsAfterDeath(ran.steps),
    end: end.end,
    ...(diagnosis ? { diagnosis } : {}),
    ...(end.hint ? { hint: end.hint } : {}),
    kernelImage: options.bootImage.path,
    bootEntry: options.bootImage.entry,
    consoleLog: options.consoleLogPath,
    notices,
    ...(extra.kvmProbeFailed ? { kvmProbeFailed: true } : {}),
  };
}

// Adds "file.c:line" to each report whose faulting function is in one of the guest's modules.
async function locateCrashes(crashes: CrashReport[], modulePaths: string[]): Promise<void> {
  for (const crash of crashes) {
    const path = modulePaths.find((candidate) => moduleNameFromPath(candidate) === crash.module);
    if (path) await locateCrash(crash, path, dirname(path));
  }
}
