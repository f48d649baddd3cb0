// Pure: module parameters for a guest run, from kforge.json `params` and the words after `--`.
// `name=value` needs exactly one project module; `module.name=value` targets one (the kernel
// command line's own spelling). Later sources override earlier ones per parameter.
import { UsageError } from "../errors.js";

export type ParameterTable = Record<string, Record<string, string | number | boolean>>;

const normalize = (name: string) => name.replaceAll("-", "_");

export function resolveModuleParameters(moduleNames: string[], config: ParameterTable | undefined, words: string[]): Map<string, string[]> {
  const table = new Map<string, Map<string, string>>(moduleNames.map((name) => [normalize(name), new Map()]));
  for (const [module, values] of Object.entries(config ?? {})) {
    const target = table.get(normalize(module));
    if (!target) continue; // kforge.json may list parameters of modules another command loads
    for (const [key, value] of Object.entries(values)) target.set(key, formatValue(value));
  }
  for (const word of words) {
    const match = /^([\w-]+)(?:\.([\w-]+))?=(.*)$/s.exec(word);
    if (!match) throw new UsageError(`"${word}" is not a module parameter`, "write parameters as name=value or module.name=value after --");
    const [, first, second, value] = match as unknown as [string, string, string | undefined, string];
    const module = second ? normalize(first) : onlyModule(moduleNames, word);
    const target = table.get(module);
    if (!target)
      throw new UsageError(`"${word}" names module ${module}, which this project does not build`, `its modules: ${moduleNames.join(", ")}`);
    target.set(second ?? first, value);
  }
  return new Map([...table].map(([module, values]) => [module, [...values].map(([key, value]) => `${key}=${value}`)]));
}

function onlyModule(moduleNames: string[], word: string): string {
  if (moduleNames.length === 1) return normalize(moduleNames[0]!);
  throw new UsageError(
    `"${word}" does not say which module it is for (this project builds ${moduleNames.join(", ")})`,
    `write module.${word}`,
  );
}

function formatValue(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

export interface DeclaredParameter {
  name: string;
  // From parmtype ("int", "charp"); absent when only a description (parm) declares it.
  type?: string;
}

// Accepted for every module by the kernel itself (dynamic debug, asynchronous probing).
const KERNEL_WIDE_PARAMETERS = new Set(["dyndbg", "async_probe"]);

// The parameters a module declares, from its .modinfo parm ("name:description") and parmtype
// ("name:type") entries.
export function listDeclaredParameters(parm: string[], parmtype: string[]): DeclaredParameter[] {
  const declared = new Map<string, DeclaredParameter>();
  const split = (entry: string) => {
    const [name = "", ...rest] = entry.split(":");
    return { name: normalize(name), rest: rest.join(":") };
  };
  for (const { name } of parm.map(split)) declared.set(name, { name });
  for (const { name, rest } of parmtype.map(split)) declared.set(name, { name, type: rest });
  return [...declared.values()];
}

// The kernel only logs "unknown parameter 'x' ignored" and loads the module anyway: refuse before booting.
export function checkModuleParameters(parameters: Map<string, string[]>, declared: Map<string, DeclaredParameter[]>): void {
  for (const [module, words] of parameters) {
    const known = declared.get(module) ?? [];
    for (const word of words) {
      const name = normalize(word.slice(0, word.indexOf("=")));
      if (KERNEL_WIDE_PARAMETERS.has(name) || known.some((parameter) => parameter.name === name)) continue;
      const listed = known.map((parameter) => (parameter.type ? `${parameter.name} (${parameter.type})` : parameter.name)).join(", ");
      throw new UsageError(
        `${module} has no parameter "${name}" (from ${word}); the kernel would ignore it`,
        listed
          ? `${module}'s parameters: ${listed}; fix the name after -- or in kforge.json params`
          : `${module} declares no parameters; drop ${word}`,
      );
    }
  }
}
