// Structured facts about a .ko from its .modinfo, symbols and signature, and the taints and
// vermagic problems loading it would cause. Pure over an opened module.
import { ELF_MACHINE_NAMES } from "./elf.js";
import { allValues, firstValue, type LoadedModule } from "./modinfo.js";
import { readModuleSignature, type ModuleSignature } from "./module-signature.js";
import { moduleNameFromPath } from "./modules-dep.js";

export interface ModuleParameter {
  name: string;
  type?: string;
  description?: string;
}

export interface ModuleDetails {
  path: string;
  name: string;
  architecture: string;
  license?: string;
  authors: string[];
  description?: string;
  version?: string;
  srcversion?: string;
  vermagic?: string;
  depends: string[];
  intree: boolean;
  retpoline: boolean;
  staging: boolean;
  parameters: ModuleParameter[];
  aliases: string[];
  firmware: string[];
  importNamespaces: string[];
  signature?: ModuleSignature;
  // Of name, vermagic, license: the keys .modinfo lacks (modpost adds name and vermagic, so a .o lacks them).
  missingModinfo: string[];
}

const REQUIRED_MODINFO = ["name", "vermagic", "license"] as const;

// "name:text" entries (parm=, parmtype=) keyed by parameter name, in first-seen order.
function splitNamed(values: string[]): Map<string, string> {
  const named = new Map<string, string>();
  for (const value of values) {
    const colon = value.indexOf(":");
    if (colon > 0) named.set(value.slice(0, colon), value.slice(colon + 1));
  }
  return named;
}

function readParameters(module: LoadedModule): ModuleParameter[] {
  const types = splitNamed(allValues(module.modinfo, "parmtype"));
  const descriptions = splitNamed(allValues(module.modinfo, "parm"));
  const names = [...new Set([...types.keys(), ...descriptions.keys()])];
  return names.map((name) => ({
    name,
    ...(types.has(name) ? { type: types.get(name) } : {}),
    ...(descriptions.has(name) ? { description: descriptions.get(name) } : {}),
  }));
}

const optional = <Key extends string>(key: Key, value: string | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<Key, string>>;

export function describeModule(module: LoadedModule): ModuleDetails {
  const value = (key: string) => firstValue(module.modinfo, key);
  const signature = readModuleSignature(module.elf.bytes);
  return {
    path: module.path,
    name: value("name") ?? moduleNameFromPath(module.path),
    architecture: ELF_MACHINE_NAMES[module.elf.machine] ?? `machine ${module.elf.machine}`,
    ...optional("license", value("license")),
    authors: allValues(module.modinfo, "author"),
    ...optional("description", value("description")),
    ...optional("version", value("version")),
    ...optional("srcversion", value("srcversion")),
    ...optional("vermagic", value("vermagic")?.trim()),
    depends: (value("depends") ?? "").split(",").filter(Boolean),
    intree: value("intree") === "Y",
    retpoline: value("retpoline") === "Y",
    staging: value("staging") === "Y",
    parameters: readParameters(module),
    aliases: allValues(module.modinfo, "alias"),
    firmware: allValues(module.modinfo, "firmware"),
    importNamespaces: allValues(module.modinfo, "import_ns"),
    ...(signature ? { signature } : {}),
    missingModinfo: REQUIRED_MODINFO.filter((key) => value(key) === undefined),
  };
}

// A warning when modpost's keys are missing; a missing license alone is already the P taint warning.
export function describeMissingModinfo(details: ModuleDetails): string | undefined {
  const missing = details.missingModinfo;
  if (!missing.includes("name") && !missing.includes("vermagic")) return undefined;
  return (
    `.modinfo has no ${missing.join(", ")}: this is not a module linked by modpost (a renamed ` +
    `.o, or a corrupt .modinfo) and the kernel will refuse it; rebuild it with kforge build`
  );
}

// include/linux/license.h license_is_gpl_compatible().
const GPL_COMPATIBLE = ["GPL", "GPL v2", "GPL and additional rights", "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL"];

export function isGplCompatible(license: string | undefined): boolean {
  return license !== undefined && GPL_COMPATIBLE.includes(license);
}

export interface TaintPrediction {
  letter: string;
  reason: string;
}

export interface KernelFacts {
  release: string;
  // CONFIG_MODULE_SIG=y: loading an unsigned module taints E.
  signing?: boolean;
}

export function predictTaints(details: ModuleDetails, kernel: KernelFacts | undefined): TaintPrediction[] {
  const taints: TaintPrediction[] = [];
  if (!details.license)
    taints.push({
      letter: "P",
      reason: "no MODULE_LICENSE: the kernel treats it as proprietary, and EXPORT_SYMBOL_GPL symbols are unavailable",
    });
  else if (!isGplCompatible(details.license))
    taints.push({ letter: "P", reason: `license "${details.license}" is not GPL-compatible: EXPORT_SYMBOL_GPL symbols are unavailable` });
  if (!details.intree) taints.push({ letter: "O", reason: "out-of-tree module (normal for your own modules)" });
  if (details.staging) taints.push({ letter: "C", reason: "staging driver" });
  if (!details.signature && kernel?.signing)
    taints.push({ letter: "E", reason: `unsigned, and ${kernel.release} supports module signing` });
  return taints;
}

// The release is vermagic's first word; the rest (SMP preempt mod_unload modversions) must match too,
// but the release alone already decides "built for another kernel".
export function vermagicRelease(vermagic: string | undefined): string | undefined {
  return vermagic?.trim().split(/\s+/)[0] || undefined;
}

export function checkVermagic(details: ModuleDetails, release: string): string | undefined {
  const built = vermagicRelease(details.vermagic);
  if (!details.vermagic) return "the module has no vermagic: it was not built by kbuild, and the kernel will refuse it";
  if (built !== release) return `built for ${built} (vermagic "${details.vermagic}"), but the selected kernel is ${release}`;
  return undefined;
}
