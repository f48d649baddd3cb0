// Module parameters for insmod: kforge.json's params per module, overridden by the command line's
// `param=value` (when one module is loaded) or `module.param=value`. Pure.
import { UsageError } from "../errors.js";

export type ParameterValue = string | number | boolean;

function formatValue(value: ParameterValue): string {
  if (typeof value === "boolean") return value ? "1" : "0";
  return String(value);
}

export function mergeParameters(
  moduleNames: readonly string[],
  configured: Record<string, Record<string, ParameterValue>> | undefined,
  commandLine: readonly string[],
): Map<string, string[]> {
  const byModule = new Map<string, Map<string, string>>(moduleNames.map((name) => [name, new Map()]));
  for (const [module, parameters] of Object.entries(configured ?? {})) {
    const target = byModule.get(module.replaceAll("-", "_"));
    if (!target) continue; // params for modules not loaded this time
    for (const [name, value] of Object.entries(parameters)) target.set(name, formatValue(value));
  }
  for (const argument of commandLine) {
    const match = argument.match(/^(?:([\w-]+)\.)?([\w-]+)=(.*)$/s);
    if (!match)
      throw new UsageError(
        `module parameter "${argument}" is not name=value`,
        "pass parameters after -- as name=value or module.name=value",
      );
    const [, module, name, value] = match as unknown as [string, string | undefined, string, string];
    const target = module
      ? byModule.get(module.replaceAll("-", "_"))
      : moduleNames.length === 1
        ? byModule.get(moduleNames[0]!)
        : undefined;
    if (!target) {
      throw new UsageError(
        module
          ? `parameter ${argument}: ${module} is not among the modules being loaded (${moduleNames.join(", ")})`
          : `parameter ${argument}: several modules are loaded, say which one`,
        "write module.name=value",
      );
    }
    target.set(name, value);
  }
  return new Map([...byModule].map(([module, parameters]) => [module, [...parameters].map(([name, value]) => `${name}=${value}`)]));
}
