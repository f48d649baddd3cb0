// checkpatch.pl over each file of the project, as a kernel maintainer runs it on a file that is not a
// patch: `--no-tree --file`, with one terse line per problem. It runs in the module dir, so the
// project's own .checkpatch.conf applies. Exit 0 means clean and 1 problems found; anything else is a crash.
import { join } from "node:path";
import { CHECKPATCH_DRIVER } from "./checkpatch-driver.js";
import type { KernelScripts } from "./kernel-scripts.js";
import { parseCheckpatchOutput } from "./parse-checkpatch.js";
import { describeFailure, runTool, type RunLimits, type TaskOutcome } from "./run-tool.js";

// The command that starts checkpatch: the kernel tree's script through perl, or one on PATH.
export interface CheckpatchCommand {
  program: string;
  leading: string[];
  origin: string;
}

export function checkpatchFromScripts(scripts: KernelScripts): CheckpatchCommand {
  return { program: "perl", leading: [join(scripts.dir, "scripts", "checkpatch.pl")], origin: scripts.origin };
}

export const CHECKPATCH_FLAGS = ["--no-tree", "--file", "--terse", "--show-types", "--showfile", "--no-summary", "--color=never"];

// At most this many files per driver run: a few runs side by side, each start shared by several files.
const FILES_PER_RUN = 8;

// One task per file for a checkpatch.pl on PATH (it may not be a perl script); for the kernel tree's,
// one per group of files through the driver (checkpatch-driver.ts). Files are relative to dir, which is
// each command's working dir.
export function checkpatchTasks(
  command: CheckpatchCommand,
  dir: string,
  files: readonly string[],
  limits: RunLimits,
): (() => Promise<TaskOutcome>)[] {
  const script = command.leading[0];
  if (command.program !== "perl" || script === undefined) {
    return files.map((file) => () => runCheckpatch(command.program, [...command.leading, ...CHECKPATCH_FLAGS, file], [file], dir, limits));
  }
  const groups: string[][] = [];
  for (let start = 0; start < files.length; start += FILES_PER_RUN) groups.push(files.slice(start, start + FILES_PER_RUN));
  const driver = (group: string[]) => ["-e", CHECKPATCH_DRIVER, "--", script, ...CHECKPATCH_FLAGS, "--", ...group];
  return groups.map((group) => () => runCheckpatch("perl", driver(group), group, dir, limits));
}

async function runCheckpatch(program: string, args: readonly string[], files: readonly string[], dir: string, limits: RunLimits) {
  const run = await runTool(program, args, dir, limits);
  const failure = describeFailure("checkpatch", `checkpatch.pl ${files.join(" ")}`, run, limits, [0, 1]);
  return { checker: "checkpatch" as const, findings: failure ? [] : parseCheckpatchOutput(run.result.stdout), failure };
}
