// Shared by load, unload and reload: host options from flags, and printing a run's result.
import { readFileSync } from "node:fs";
import { release } from "node:os";
import { join, resolve } from "node:path";
import type { CommandContext } from "./context.js";
import { createPalette } from "../ui/color.js";
import { formatDiagnosis, formatLoaderEvent } from "../ui/loader-events.js";
import { hostPaths } from "../loader/host-environment.js";
import type { HostOptions, StepResult } from "../loader/host-loader.js";

export interface HostFlags {
  sudo?: boolean;
  procRoot?: string;
}

// A recorded system under --proc-root names its release in sys/kernel/osrelease, as /proc does.
function readRunningRelease(procRoot: string | undefined): string {
  if (!procRoot) return release();
  try {
    return readFileSync(join(procRoot, "sys/kernel/osrelease"), "utf8").trim() || release();
  } catch {
    return release();
  }
}

export function createHostOptions(flags: HostFlags, context: CommandContext): HostOptions {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const procRoot = flags.procRoot ? resolve(context.cwd, flags.procRoot) : undefined;
  const runningRelease = readRunningRelease(procRoot);
  return {
    paths: hostPaths(procRoot),
    sudo: flags.sudo ?? false,
    runningRelease,
    modulesDir: join("/lib/modules", runningRelease),
    signal: context.signal,
    onEvent: (event) => context.stdout.write(formatLoaderEvent(event, palette)),
  };
}

// Prints the failed step's diagnosis; returns the exit code.
export function finishHostRun(result: { ok: boolean; steps: StepResult[] }, context: CommandContext): number {
  const failed = result.steps.find((step) => !step.ok);
  if (failed?.diagnosis) context.stderr.write(formatDiagnosis(failed.diagnosis, createPalette(context.stderr as NodeJS.WriteStream)));
  return result.ok ? 0 : 1;
}
