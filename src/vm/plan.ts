// Pure: the steps a guest run executes, in order: in-tree dependencies, the project's modules with
// their parameters (providers first), the test steps, then the project's modules unloaded in reverse.
import { guestModulePath } from "./guest/init-script.js";
import { quoteShell } from "./guest/protocol.js";

export type StepKind = "load" | "unload" | "exec";

export interface PlannedStep {
  name: string;
  kind: StepKind;
  module?: string;
  command: string;
  // The load's name=value parameters (also in command), for loaders that build their own command.
  params?: string[];
  // In-tree dependencies are loaded like project modules but never unloaded.
  inTree?: boolean;
  // Modules this one needs (modinfo depends=): with --keep-going a failed one skips it.
  depends?: string[];
}

export interface PlannedModule {
  name: string;
  // Host path of the .ko (possibly compressed).
  path: string;
  params?: string[];
  depends?: string[];
}

export interface PlanInput {
  inTree: PlannedModule[];
  // Already in load order.
  project: PlannedModule[];
  // Shell commands; script files already copied into the guest's work dir run as `sh ./name`.
  tests: string[];
}

export function loadStep(module: PlannedModule, inTree = false): PlannedStep {
  const params = module.params ?? [];
  return {
    name: `insmod ${module.name}${params.length ? ` ${params.join(" ")}` : ""}`,
    kind: "load",
    module: module.name,
    command: ["insmod", guestModulePath(module.path), ...params].map(quoteShell).join(" "),
    ...(params.length ? { params } : {}),
    ...(inTree ? { inTree } : {}),
    ...(module.depends?.length ? { depends: module.depends } : {}),
  };
}

export function unloadStep(module: PlannedModule): PlannedStep {
  return { name: `rmmod ${module.name}`, kind: "unload", module: module.name, command: `rmmod ${quoteShell(module.name)}` };
}

export function planSteps(input: PlanInput): { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] } {
  return {
    loads: [...input.inTree.map((module) => loadStep(module, true)), ...input.project.map((module) => loadStep(module))],
    tests: input.tests.map((command) => ({ name: command, kind: "exec", command })),
    unloads: [...input.project].reverse().map(unloadStep),
  };
}
