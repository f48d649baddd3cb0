// Turns built modules, kforge.json and flags into a ready-to-boot plan: load order with parameters,
// in-tree dependencies from the release's modules.dep, test steps and the files they need.
import { stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { isGuestFileName } from "./guest/files.js";
import { allValues, firstValue, openModuleFile } from "../module/modinfo.js";
import { orderModules, selectModules } from "../module/load-order.js";
import { moduleNameFromPath, resolveInTreeDependencies } from "../module/modules-dep.js";
import { findModulesDir } from "../kernel/kernel-image.js";
import {
  checkModuleParameters,
  listDeclaredParameters,
  resolveModuleParameters,
  type DeclaredParameter,
  type ParameterTable,
} from "./module-parameters.js";
import { planSteps, type PlannedModule, type PlannedStep } from "./plan.js";

export interface VmPlanInput {
  dir: string;
  release: string;
  // Built .ko files, any order.
  modules: string[];
  configParams?: ParameterTable;
  parameterWords: string[];
  // vm.test entries, then --exec commands.
  tests: string[];
  // Load only these project modules and what they need; optionName says where the list came from.
  select?: { names: string[]; optionName: string };
  // In-tree modules the guest needs whatever the project's modules say (an emulated device's bus).
  inTreeModules?: string[];
  env?: NodeJS.ProcessEnv;
}

export interface VmPlan {
  modules: string[];
  files: string[];
  steps: { loads: PlannedStep[]; tests: PlannedStep[]; unloads: PlannedStep[] };
  modulesDir?: string;
}

export async function prepareVmPlan(input: VmPlanInput): Promise<VmPlan> {
  const described = await Promise.all(input.modules.map(describeModule));
  const { order, external } = input.select?.names.length
    ? selectModules(described, input.select.names, input.select.optionName)
    : orderModules(described);
  // Parameters are checked against every module the project builds, selected or not.
  const parameters = resolveModuleParameters(
    described.map((module) => module.name),
    input.configParams,
    input.parameterWords,
  );
  checkModuleParameters(parameters, new Map(described.map((module) => [module.name, module.parameters])));
  const project: PlannedModule[] = order.map((module) => ({
    name: module.name,
    path: module.path,
    params: parameters.get(module.name) ?? [],
    depends: module.depends.map((name) => name.replaceAll("-", "_")),
  }));
  const modulesDir = await findModulesDir(input.release, { env: input.env });
  const inTree = await resolveInTree(input.release, modulesDir, [...new Set([...(input.inTreeModules ?? []), ...external])]);
  const { tests, files } = await resolveTests(input.dir, input.tests);
  return {
    modules: [...inTree.map((module) => module.path), ...project.map((module) => module.path)],
    files,
    steps: planSteps({ inTree, project, tests }),
    ...(modulesDir ? { modulesDir } : {}),
  };
}

async function describeModule(path: string): Promise<{ name: string; path: string; depends: string[]; parameters: DeclaredParameter[] }> {
  const { modinfo } = await openModuleFile(path);
  const depends = allValues(modinfo, "depends")
    .flatMap((value) => value.split(","))
    .filter(Boolean);
  const parameters = listDeclaredParameters(allValues(modinfo, "parm"), allValues(modinfo, "parmtype"));
  return { name: (firstValue(modinfo, "name") ?? moduleNameFromPath(path)).replaceAll("-", "_"), path, depends, parameters };
}

async function resolveInTree(release: string, modulesDir: string | undefined, names: string[]): Promise<PlannedModule[]> {
  if (names.length === 0) return [];
  if (!modulesDir) {
    throw new EnvironmentError(
      `the modules need ${names.join(", ")} from kernel ${release}, but there is no modules tree with modules.dep for it`,
      `run kforge kernel fetch ${release} to get the release's modules into kforge's cache`,
    );
  }
  const resolution = await resolveInTreeDependencies(modulesDir, names);
  if (resolution.unknown.length) {
    throw new EnvironmentError(
      `the modules depend on ${resolution.unknown.join(", ")}, which ${modulesDir}/modules.dep does not know`,
      "check the module's depends= (kforge info <file.ko>) and that it was built for this kernel",
    );
  }
  return resolution.files.map((path) => ({ name: moduleNameFromPath(path), path }));
}

// A test entry naming a file in the module dir is a script: copied in and run with sh.
async function resolveTests(dir: string, entries: string[]): Promise<{ tests: string[]; files: string[] }> {
  const tests: string[] = [];
  const files: string[] = [];
  for (const entry of entries) {
    const candidate = join(dir, entry.trim());
    const isScript =
      !/\s/.test(entry.trim()) &&
      (await stat(candidate).then(
        (info) => info.isFile(),
        () => false,
      ));
    if (isScript && !isGuestFileName(basename(candidate)))
      throw new UsageError(
        `vm.test script ${entry.trim()}: its name has characters a guest step cannot run (\`sh ./<name>\`)`,
        "rename it to letters, digits, dots, dashes and underscores",
      );
    if (isScript) {
      files.push(candidate);
      tests.push(`sh ./${basename(candidate)}`);
    } else {
      tests.push(entry);
    }
  }
  return { tests, files };
}
