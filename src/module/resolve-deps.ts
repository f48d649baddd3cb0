// Who provides each symbol a project's modules need, and the order to load them in: the kernel
// (Module.symvers of the build tree, vmlinux entries), in-tree modules (Module.symvers module
// entries and modules.symbols), or another module of the same project.
import { readOptionalText } from "../fs/files.js";
import { join } from "node:path";
import { orderModules } from "./load-order.js";
import { checkVermagic, describeModule, isGplCompatible, type ModuleDetails } from "./modinfo-details.js";
import { openModuleFile, readModuleParts } from "./modinfo.js";
import { parseModuleSymvers, parseModulesSymbols, type SymbolExport } from "./module-symvers.js";
import { moduleNameFromPath, resolveInTreeDependencies } from "./modules-dep.js";
import { readModuleSymbols, type ModuleSymbols } from "./symbols.js";

export type SymbolProvider =
  | { kind: "kernel" }
  | { kind: "in-tree"; module: string }
  | { kind: "project"; module: string }
  | { kind: "missing" };

export interface SymbolNeed {
  symbol: string;
  crc?: string;
  provider: SymbolProvider;
  // CRC differs from the kernel's, or a GPL-only symbol used by a non-GPL module.
  problem?: string;
}

export interface ProjectModule {
  name: string;
  path: string;
  details: ModuleDetails;
  symbols: ModuleSymbols;
}

export interface ResolvedModule {
  name: string;
  path: string;
  needs: SymbolNeed[];
  // Names of project modules and in-tree modules this one needs loaded first.
  projectDependencies: string[];
  inTreeDependencies: string[];
}

export interface DependencyResolution {
  modules: ResolvedModule[];
  // Project module names, providers first.
  loadOrder: string[];
  // In-tree module names the project needs, in modprobe order.
  inTreeModules: string[];
  // Modules named by depends= or symbol lookup that are neither given nor installed for the kernel.
  unknownModules: string[];
  missing: { module: string; symbol: string }[];
  // Modules built for another kernel than the one resolved against (or without vermagic at all).
  vermagicProblems: { module: string; problem: string }[];
  notes: string[];
}

interface KernelExports {
  // symbol -> export; only what the kernel side offers (vmlinux and in-tree modules).
  bySymbol: Map<string, SymbolExport>;
}

function indexKernelExports(symvers: SymbolExport[], modulesSymbols: SymbolExport[]): KernelExports {
  const bySymbol = new Map<string, SymbolExport>();
  for (const entry of modulesSymbols) bySymbol.set(entry.symbol, entry);
  for (const entry of symvers) bySymbol.set(entry.symbol, entry);
  return { bySymbol };
}

function resolveNeed(
  module: ProjectModule,
  symbol: { name: string; crc?: string },
  projectExports: Map<string, ProjectModule>,
  kernel: KernelExports,
  checkCrc: boolean,
): SymbolNeed {
  const need = { symbol: symbol.name, ...(symbol.crc ? { crc: symbol.crc } : {}) };
  const project = projectExports.get(symbol.name);
  if (project && project !== module) {
    const gplOnly = project.symbols.exports.find((entry) => entry.name === symbol.name)?.gplOnly;
    const problem =
      gplOnly && !isGplCompatible(module.details.license)
        ? `${symbol.name} is EXPORT_SYMBOL_GPL and ${module.name} is not GPL-licensed`
        : undefined;
    return { ...need, provider: { kind: "project", module: project.name }, ...(problem ? { problem } : {}) };
  }
  const entry = kernel.bySymbol.get(symbol.name);
  if (!entry) return { ...need, provider: { kind: "missing" } };
  const provider: SymbolProvider =
    entry.module === "vmlinux" ? { kind: "kernel" } : { kind: "in-tree", module: moduleNameFromPath(entry.module) };
  const problems: string[] = [];
  if (checkCrc && symbol.crc && entry.crc && Number(symbol.crc) !== Number(entry.crc)) {
    problems.push(`CRC ${symbol.crc} differs from the kernel's ${entry.crc}: built against another build of this kernel`);
  }
  if (entry.exportType === "EXPORT_SYMBOL_GPL" && !isGplCompatible(module.details.license)) {
    problems.push(`${symbol.name} is EXPORT_SYMBOL_GPL and ${module.name} is not GPL-licensed`);
  }
  return { ...need, provider, ...(problems.length ? { problem: problems.join("; ") } : {}) };
}

// Pure: resolution over already-read modules and export tables. CRCs of modules built for another
// release are not compared: they differ anyway, and the vermagic mismatch is the real problem.
export function resolveSymbols(
  modules: ProjectModule[],
  symvers: SymbolExport[],
  modulesSymbols: SymbolExport[],
  otherRelease: ReadonlySet<string> = new Set(),
): Omit<DependencyResolution, "inTreeModules" | "unknownModules" | "notes" | "vermagicProblems"> {
  const kernel = indexKernelExports(symvers, modulesSymbols);
  const projectExports = new Map<string, ProjectModule>();
  for (const module of modules) for (const entry of module.symbols.exports) projectExports.set(entry.name, module);
  const resolved = modules.map((module) => {
    const needs = module.symbols.imports.map((symbol) =>
      resolveNeed(module, symbol, projectExports, kernel, !otherRelease.has(module.name)),
    );
    const providers = (kind: "project" | "in-tree") => [
      ...new Set(needs.flatMap((need) => (need.provider.kind === kind ? [need.provider.module] : []))),
    ];
    const projectDependencies = [
      ...new Set([...providers("project"), ...module.details.depends.filter((name) => modules.some((other) => other.name === name))]),
    ];
    const inTreeDependencies = [
      ...new Set([...providers("in-tree"), ...module.details.depends.filter((name) => !modules.some((other) => other.name === name))]),
    ];
    return { name: module.name, path: module.path, needs, projectDependencies, inTreeDependencies };
  });
  const { order } = orderModules(resolved.map((module) => ({ name: module.name, depends: module.projectDependencies })));
  const missing = resolved.flatMap((module) =>
    module.needs.filter((need) => need.provider.kind === "missing").map((need) => ({ module: module.name, symbol: need.symbol })),
  );
  return { modules: resolved, loadOrder: order.map((module) => module.name), missing };
}

export async function openProjectModule(path: string): Promise<ProjectModule> {
  const opened = await openModuleFile(path);
  const details = describeModule(opened);
  return { name: details.name, path, details, symbols: readModuleParts(path, () => readModuleSymbols(opened.elf)) };
}

export interface ResolveOptions {
  files: string[];
  kdir: string;
  // /lib/modules/<release>: modules.symbols and modules.dep of the installed kernel, when present.
  modulesDir: string;
  // The kernel release resolved against, to check each module's vermagic.
  release: string;
}

export async function resolveDependencies(options: ResolveOptions): Promise<DependencyResolution> {
  const modules = await Promise.all(options.files.map(openProjectModule));
  const notes: string[] = [];
  const symversText = await readOptionalText(join(options.kdir, "Module.symvers"));
  if (symversText === undefined) notes.push(`${options.kdir} has no Module.symvers: kernel symbols cannot be checked`);
  const modulesSymbolsText = await readOptionalText(join(options.modulesDir, "modules.symbols"));
  if (modulesSymbolsText === undefined)
    notes.push(`${options.modulesDir} has no modules.symbols (only headers installed?): in-tree providers come from Module.symvers alone`);
  const vermagicProblems = modules.flatMap((module) => {
    const problem = checkVermagic(module.details, options.release);
    return problem ? [{ module: module.name, problem }] : [];
  });
  const otherRelease = new Set(vermagicProblems.map((entry) => entry.module));
  const resolution = resolveSymbols(
    modules,
    parseModuleSymvers(symversText ?? ""),
    parseModulesSymbols(modulesSymbolsText ?? ""),
    otherRelease,
  );
  const wanted = [...new Set(resolution.modules.flatMap((module) => module.inTreeDependencies))];
  const inTree = await resolveInTreeDependencies(options.modulesDir, wanted);
  if (inTree.unknown.length) {
    notes.push(
      `needed but neither among the given modules nor ` +
        `in ${join(options.modulesDir, "modules.dep")}: ${inTree.unknown.join(", ")} (pass its .ko too)`,
    );
  }
  return { ...resolution, inTreeModules: inTree.files.map(moduleNameFromPath), unknownModules: inTree.unknown, vermagicProblems, notes };
}
