// Pure: what is wrong with a dkms.conf given the modules the project really builds. The file is read
// statically (config/shell-assignments.ts): values are expanded the way DKMS expands them for one kernel
// ($PACKAGE_NAME, ${kernelver}); what depends on shell logic, or is still a template placeholder
// (dkms.conf.in's @VERSION@), cannot be checked and becomes a note instead of a problem.
import { expandVariables, type ShellValues } from "../config/shell-assignments.js";
import type { DkmsModule } from "./dkms-conf.js";

export interface DkmsCheckInput {
  values: Pick<ShellValues, "known" | "unknown">;
  built: readonly DkmsModule[];
  // The release the modules were built for, standing in for DKMS's ${kernelver}.
  kernelver?: string;
}

export interface DkmsCheckResult {
  problems: string[];
  // What could not be checked, and why.
  notes: string[];
}

// @NAME@ (autoconf, sed), #NAME# and __NAME__: filled in when the project generates dkms.conf.
const PLACEHOLDER = /@[A-Za-z0-9_]+@|#[A-Z0-9_]+#|__[A-Z0-9_]+__/;
const UNEXPANDED = /\$\{?[A-Za-z_]/;

export function checkDkmsConf(input: DkmsCheckInput): DkmsCheckResult {
  const { known, unknown } = input.values;
  const result: DkmsCheckResult = { problems: [], notes: [] };
  const context = new Map([...known, ...(input.kernelver ? [["kernelver", input.kernelver] as const] : [])]);
  // A value to compare, or undefined with a note saying why it cannot be.
  const readable = (name: string): string | undefined => {
    const reason = unknown.get(name);
    if (reason) {
      result.notes.push(`${name} cannot be checked: ${reason}`);
      return undefined;
    }
    const value = known.get(name);
    if (value === undefined) return undefined;
    const expanded = expandVariables(value, context);
    if (PLACEHOLDER.test(expanded))
      result.notes.push(`${name} is "${expanded}", a placeholder the project fills in when it generates dkms.conf`);
    else if (UNEXPANDED.test(expanded)) result.notes.push(`${name} is "${expanded}", which uses a variable DKMS sets at build time`);
    else return expanded;
    return undefined;
  };
  for (const required of ["PACKAGE_NAME", "PACKAGE_VERSION"]) {
    if (!known.get(required) && !unknown.has(required)) result.problems.push(`${required} is not set`);
    else readable(required);
  }
  const indexOf = (key: string) => key.slice(key.indexOf("["));
  const nameKeys = [...new Set([...known.keys(), ...unknown.keys()])].filter((key) => /^BUILT_MODULE_NAME\[\d+\]$/.test(key));
  const listed = nameKeys.map((key) => ({ index: indexOf(key), name: readable(key) }));
  const unreadable = listed.some((entry) => entry.name === undefined);
  for (const module of input.built) {
    const entry = listed.find((item) => item.name === module.name);
    if (!entry) {
      // With a name dkms.conf computes, the module may be that one.
      if (!unreadable) result.problems.push(`the Kbuild builds ${module.name}.ko but dkms.conf lists no BUILT_MODULE_NAME for it`);
      continue;
    }
    const locationKey = `BUILT_MODULE_LOCATION${entry.index}`;
    const location = known.has(locationKey) || unknown.has(locationKey) ? readable(locationKey) : ".";
    if (location !== undefined && normalizeLocation(location) !== module.location)
      result.problems.push(`${locationKey} is "${normalizeLocation(location)}" but ${module.name}.ko is built in "${module.location}"`);
  }
  for (const entry of listed) {
    if (entry.name !== undefined && !input.built.some((module) => module.name === entry.name))
      result.problems.push(`BUILT_MODULE_NAME${entry.index} is ${entry.name}, which the Kbuild never builds`);
  }
  return result;
}

const normalizeLocation = (location: string) => location.replace(/^\.\/?/, "").replace(/\/+$/, "") || ".";
