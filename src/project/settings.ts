// The one place a setting is resolved: the flag, else the kforge.json key the option table names,
// else the table's default. Commander carries no defaults, so a default never masks the config file.
import type { KforgeConfig } from "../config/kforge-json.js";
import { type OptionName, OPTIONS } from "./options.js";

export type Flags = Partial<Record<OptionName, unknown>>;

// Pure: the value at a dotted kforge.json path ("vm.memory").
export function configValue(config: KforgeConfig, path: string): unknown {
  let value: unknown = config;
  for (const part of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

export function resolveSetting<Value>(name: OptionName, flags: Flags, config: KforgeConfig): Value | undefined {
  const spec = OPTIONS[name] as { config?: string; fallback?: unknown };
  const fromFlag = flags[name];
  if (fromFlag !== undefined) return fromFlag as Value;
  const fromConfig = spec.config === undefined ? undefined : configValue(config, spec.config);
  return (fromConfig ?? spec.fallback) as Value | undefined;
}

// Which source set a setting, for messages that must name it ("--memory" or "kforge.json vm.memory").
export function settingSource(name: OptionName, flags: Flags, config: KforgeConfig): string {
  const spec = OPTIONS[name] as { flags: string; config?: string };
  if (flags[name] !== undefined) return /--[a-z-]+/.exec(spec.flags)![0];
  if (spec.config !== undefined && configValue(config, spec.config) !== undefined) return `kforge.json ${spec.config}`;
  return DEFAULT_SOURCE;
}

export const DEFAULT_SOURCE = "the default";
