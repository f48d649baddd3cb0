// What the host loader needs to know about the machine: module support, privileges, the live
// module table. --proc-root points these reads at a recorded system instead of /proc.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { parseProcModules, type ProcModulesTable } from "../module/proc-modules.js";
import { noModuleSupportDiagnosis, notRootDiagnosis } from "./diagnose-common.js";

export interface HostPaths {
  procRoot: string;
  // /dev/kmsg, or <procRoot>/kmsg (a recorded dump) when --proc-root is given.
  kmsgPath: string;
}

export function hostPaths(procRoot: string | undefined): HostPaths {
  if (!procRoot) return { procRoot: "/proc", kmsgPath: "/dev/kmsg" };
  return { procRoot, kmsgPath: join(procRoot, "kmsg") };
}

export function assertModuleSupport(paths: HostPaths, module: string): void {
  if (existsSync(join(paths.procRoot, "modules"))) return;
  const diagnosis = noModuleSupportDiagnosis(module);
  throw new EnvironmentError(`${diagnosis.title}: ${diagnosis.detail}`, diagnosis.hint);
}

// The command prefix for privileged tools: none as root, `sudo -n` with --sudo (never prompts: a
// prompt would hang behind captured output).
export function privilegePrefix(options: { sudo: boolean; isRoot: boolean }): string[] {
  if (options.isRoot) return [];
  if (options.sudo) return ["sudo", "-n"];
  const diagnosis = notRootDiagnosis();
  throw new EnvironmentError(diagnosis.title, diagnosis.hint);
}

export function isRootUser(): boolean {
  return process.getuid?.() === 0;
}

export async function readProcModulesText(paths: HostPaths): Promise<string | undefined> {
  try {
    return await readFile(join(paths.procRoot, "modules"), "utf8");
  } catch {
    return undefined;
  }
}

export async function readModuleTable(paths: HostPaths): Promise<ProcModulesTable> {
  return parseProcModules((await readProcModulesText(paths)) ?? "");
}
