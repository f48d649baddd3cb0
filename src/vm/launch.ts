// Boots the plan on the release's kernel with the right accelerator: a first KVM boot that shows no
// sign of life within a few seconds (nested KVM can hang silently) or whose QEMU exits is retried
// under TCG, and what worked is remembered so later runs go straight to it.
import { accelMemoryPath, chooseAccel, rememberAccel, type AccelRequest } from "./qemu/accel.js";
import { findKernelImage } from "../kernel/kernel-image.js";
import type { VmPlan } from "./prepare.js";
import type { VmResult } from "./report.js";
import { runVm } from "./runner.js";
import type { BeforeUnload, StepEvents } from "./step-runner.js";
import { prepareBootImage } from "./qemu/vmlinux.js";
import { checkGuestMemory, guestMachineFor } from "./qemu/guest-machine.js";
import { checkModuleMachines } from "./module-machines.js";
import type { HostRootView } from "./host-root/view.js";

export interface LaunchOptions {
  release: string;
  plan: VmPlan;
  vmKernel?: string;
  configKernel?: string;
  accel: AccelRequest;
  timeoutMs: number;
  memoryMb: number;
  memoryIsDefault?: boolean;
  append?: string[];
  // QEMU -device values (qemu/devices.ts).
  devices?: string[];
  shell?: boolean;
  keepGoing?: boolean;
  // Boot even when a saved guest state would do (--cold).
  cold?: boolean;
  consoleLogPath: string;
  // The kernel has kmemleak: scan for leaks after the modules are unloaded (leak-check.ts).
  kmemleak?: boolean;
  // Coverage: the counters are copied out here (vm/coverage-run.ts).
  beforeUnload?: BeforeUnload;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  events?: StepEvents;
  onNotice?: (message: string) => void;
  onProgress?: (message: string) => void;
  // vm.userspace "host": the view the test steps run in (their commands already run there: host-root/view.ts).
  hostRoot?: HostRootView;
}

export const KVM_PROBE_MS = 4000;

export async function launchVm(options: LaunchOptions): Promise<VmResult> {
  const image = await findKernelImage({
    release: options.release,
    vmKernel: options.vmKernel,
    configKernel: options.configKernel,
    env: options.env,
  });
  const notices: string[] = [];
  const notice = (message: string) => {
    notices.push(message);
    options.onNotice?.(message);
  };
  const bootImage = await prepareBootImage(image.path, { env: options.env, signal: options.signal, notice });
  if (bootImage.reason) notice(`booting the compressed image (slower): ${bootImage.reason}`);
  await checkModuleMachines(options.plan.modules, bootImage, options.release);
  const machine = guestMachineFor(bootImage.architecture, bootImage.path);
  checkGuestMemory(machine, options.memoryMb);
  const choice = await chooseAccel(options.accel, options.env, notice, machine);
  const common = {
    release: options.release,
    bootImage,
    modules: options.plan.modules,
    files: options.plan.files,
    modulesDir: options.plan.modulesDir,
    steps: options.plan.steps,
    timeoutMs: options.timeoutMs,
    memoryMb: options.memoryMb,
    memoryIsDefault: options.memoryIsDefault,
    append: options.append,
    devices: options.devices,
    shell: options.shell,
    keepGoing: options.keepGoing,
    consoleLogPath: options.consoleLogPath,
    signal: options.signal,
    events: options.events,
    warm: !options.cold,
    kmemleak: options.kmemleak,
    beforeUnload: options.beforeUnload,
    env: options.env,
    onNotice: options.onNotice,
    onProgress: options.onProgress,
    hostRoot: options.hostRoot,
  };
  let result = await runVm({ ...common, accel: choice.accel, ...(choice.probe ? { probeMs: KVM_PROBE_MS } : {}) });
  // A first KVM guest that hung or whose QEMU exited: TCG is tried, and remembered only when a TCG
  // guest booted, since QEMU also exits at once for reasons of its own (--memory, --append, the image).
  if (choice.probe && !result.booted && result.end !== "interrupted") {
    const kvmFailure = result.kvmProbeFailed
      ? `a KVM boot did not reach the init script within ${KVM_PROBE_MS / 1000} s (nested KVM that hangs)`
      : `a KVM guest did not boot (${result.diagnosis ?? result.end})`;
    notice(`${kvmFailure}; using TCG software emulation`);
    result = await runVm({ ...common, accel: "tcg" });
    if (result.booted) {
      const remembered = await rememberAccel("tcg", kvmFailure, options.env);
      if (remembered) notice(`remembered in ${accelMemoryPath(options.env)}: later runs on this host go straight to TCG`);
      else notice("TCG not remembered: kforge's cache cannot be written");
    }
  } else if (choice.probe && result.booted) {
    await rememberAccel("kvm", "a KVM boot reached the init script", options.env);
  }
  const { kvmProbeFailed: _ignored, ...clean } = result as VmResult & { kvmProbeFailed?: boolean };
  return { ...clean, notices: [...notices, ...clean.notices] };
}
