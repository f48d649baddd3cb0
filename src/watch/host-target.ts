// The --host side of watch: the same cycle on the running kernel through the host loader (insmod,
// rmmod, modprobe for in-tree dependencies; root or sudo -n, never a prompt). Modules load from the
// copies the build made under the make lock; one built for another kernel than the running one is
// refused with the `load` diagnosis before insmod runs. There is no guest to lose: a failed or hung step fails that step,
// and the running kernel stays as it is (a module stuck in init needs a reboot, which kforge never does).
import { openProjectModule } from "../module/resolve-deps.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import {
  openSession,
  runStep,
  vermagicDiagnosis,
  type HostOptions,
  type HostSession,
  type StepResult as LoaderStep,
} from "../loader/host-loader.js";
import { run } from "../process/exec.js";
import type { StepResult } from "../vm/report.js";
import type { PlannedStep } from "../vm/plan.js";
import type { StepRun, WatchTarget } from "./target.js";

export class HostTarget implements WatchTarget {
  readonly mode = "host";
  readonly accel = undefined;
  readonly bootMs = 0;
  readonly start = undefined;
  // Module name -> the .ko its next load step inserts.
  private readonly modules = new Map<string, string>();

  private constructor(
    private readonly options: HostOptions,
    private readonly session: HostSession,
    private readonly dir: string,
    private readonly stepTimeoutMs: number,
  ) {}

  // Fails (EnvironmentError) where the kernel cannot load modules or kforge is neither root nor --sudo.
  static open(options: HostOptions, dir: string, stepTimeoutMs: number): HostTarget {
    return new HostTarget(options, openSession(options, "the watched modules"), dir, stepTimeoutMs);
  }

  get release(): string {
    return this.options.runningRelease;
  }

  alive(): boolean {
    return true;
  }

  async boot(): Promise<boolean> {
    return true;
  }

  async installModule(path: string): Promise<StepRun | undefined> {
    this.modules.set(moduleNameFromPath(path), path);
    return undefined;
  }

  // Test steps run in the module dir, where their scripts already are.
  async installFile(): Promise<StepRun | undefined> {
    return undefined;
  }

  async run(step: PlannedStep): Promise<StepRun> {
    const started = Date.now();
    if (step.kind === "exec") return { result: await this.exec(step) };
    const loaded = await this.runLoader(step);
    const durationMs = Date.now() - started;
    const diagnosis = !loaded.ok && durationMs >= this.stepTimeoutMs ? hangDiagnosis(step, durationMs) : loaded.diagnosis;
    return {
      result: {
        name: step.name,
        kind: step.kind,
        module: step.module,
        ok: loaded.ok,
        durationMs,
        output: loaded.output,
        kernelLog: loaded.kernelLog,
        ...(diagnosis ? { diagnosis } : {}),
      },
    };
  }

  private async runLoader(step: PlannedStep): Promise<LoaderStep> {
    const module = step.module ?? step.name;
    if (step.kind === "unload") return runStep(this.session, "rmmod", module, [module], this.stepTimeoutMs);
    if (step.inTree) return runStep(this.session, "modprobe", module, [module], this.stepTimeoutMs);
    const path = this.modules.get(module);
    if (!path)
      return {
        action: "insmod",
        module,
        ok: false,
        kernelLog: [],
        output: "",
        diagnosis: {
          kind: "not-built",
          title: `no built ${module}.ko to load`,
          detail: "the build did not produce it",
          hint: "check the obj-m line of Kbuild",
        },
      };
    const refusal = await vermagicDiagnosis(await openProjectModule(path), this.options.runningRelease, this.options.modulesDir);
    if (refusal) return { action: "insmod", module, ok: false, kernelLog: [], output: "", diagnosis: refusal };
    return runStep(this.session, "insmod", module, [path, ...(step.params ?? [])], this.stepTimeoutMs);
  }

  // A vm.test step, run with sh in the module dir; its kernel log is what the kernel printed meanwhile.
  private async exec(step: PlannedStep): Promise<StepResult> {
    await this.session.cursor.mark();
    const result = await run("sh", ["-c", step.command], { cwd: this.dir, timeoutMs: this.stepTimeoutMs, signal: this.options.signal });
    const kernelLog = (await this.session.cursor.readNew()).map((record) => record.message);
    return {
      name: step.name,
      kind: "exec",
      ok: !result.failed,
      ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}),
      durationMs: result.durationMs,
      output: result.all,
      kernelLog,
    };
  }

  async close(): Promise<void> {
    this.modules.clear();
  }
}

function hangDiagnosis(step: PlannedStep, durationMs: number): StepResult["diagnosis"] {
  const seconds = (durationMs / 1000).toFixed(1);
  if (step.kind === "unload") {
    return {
      kind: "unload-hang",
      title: `rmmod ${step.module} was still running after ${seconds} s`,
      detail: "the module's exit function blocks or loops",
      hint: "check kforge lsmod; a module stuck in Unloading needs a reboot. Try such changes with kforge watch --vm",
    };
  }
  return {
    kind: "module-init-hang",
    title: `module init never returned: "${step.name}" was still running after ${seconds} s`,
    detail: `${step.module}'s init function blocks or loops; the module stays in Loading`,
    hint: "a module stuck in Loading needs a reboot. Try such changes with kforge watch --vm",
  };
}
