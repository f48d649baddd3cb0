// The modules loaded in watch's target, and the unload and load steps of a cycle: what changed (and
// its dependents) is unloaded and loaded again, in-tree dependencies once per guest.
import { moduleNameFromPath } from "../module/modules-dep.js";
import type { PlannedStep } from "../vm/plan.js";
import type { prepareVmPlan } from "../vm/prepare.js";
import type { BuiltModule } from "./reload-plan.js";
import type { StepRun, WatchTarget } from "./target.js";
import type { WatchEventBody } from "./events.js";

export interface StepReporting {
  target: WatchTarget;
  emit: (event: WatchEventBody) => void;
  emitKernelLog: (ran: StepRun) => void;
  // True when the guest crashed, hung or died (and was restarted): the cycle stops.
  handleFatal: (ran: StepRun) => Promise<boolean>;
}

export class LoadedModules {
  // Project module name -> the hash of the .ko loaded.
  readonly hashes = new Map<string, string>();
  private inTree = new Set<string>();

  constructor(private readonly reporting: StepReporting) {}

  clear(): void {
    this.hashes.clear();
    this.inTree.clear();
  }

  // False when the guest was lost.
  async unload(unloads: PlannedStep[], reload: Set<string>): Promise<boolean> {
    const { target, emit, emitKernelLog, handleFatal } = this.reporting;
    // Modules loaded before but no longer built (renamed, dropped from Kbuild) go too.
    const gone = [...this.hashes.keys()].filter((name) => !unloads.some((step) => step.module === name));
    const steps = [...gone.map(unloadStep), ...unloads];
    for (const step of steps) {
      if (!step.module || !this.hashes.has(step.module) || !(reload.has(step.module) || gone.includes(step.module))) continue;
      const ran = await target.run(step);
      emit({ event: "unload", module: step.module, ok: ran.result.ok, output: ran.result.output });
      emitKernelLog(ran);
      if (await handleFatal(ran)) return false;
      if (ran.result.ok) this.hashes.delete(step.module);
    }
    return true;
  }

  // False when a load failed or the guest was lost.
  async load(plan: Awaited<ReturnType<typeof prepareVmPlan>>, selected: (BuiltModule & { path: string })[], reload: Set<string>) {
    const { target, emit, emitKernelLog, handleFatal } = this.reporting;
    for (const file of plan.files) await target.installFile(file);
    for (const step of plan.steps.loads) {
      if (!step.module) continue;
      const project = selected.find((module) => module.name === step.module);
      if (step.inTree ? this.inTree.has(step.module) : !reload.has(step.module)) continue;
      const path = plan.modules.find((candidate) => moduleNameFromPath(candidate) === step.module);
      const sent = path ? await target.installModule(path) : undefined;
      if (sent && (await handleFatal(sent))) return false;
      const ran = await target.run(step);
      const diagnosis = ran.result.diagnosis ? { diagnosis: ran.result.diagnosis } : {};
      emit({ event: "load", module: step.module, ok: ran.result.ok, output: ran.result.output, ...diagnosis });
      emitKernelLog(ran);
      if ((await handleFatal(ran)) || !ran.result.ok) return false;
      if (step.inTree) this.inTree.add(step.module);
      else if (project) this.hashes.set(step.module, project.hash);
    }
    return true;
  }

  // Quit: dependents first; stops at a guest that died.
  async unloadAll(): Promise<void> {
    const { target, emit } = this.reporting;
    for (const name of [...this.hashes.keys()].reverse()) {
      const ran = await target.run(unloadStep(name));
      emit({ event: "unload", module: name, ok: ran.result.ok, output: ran.result.output });
      if (ran.fatal) break;
    }
  }
}

const unloadStep = (name: string): PlannedStep => ({ name: `rmmod ${name}`, kind: "unload", module: name, command: `rmmod ${name}` });
