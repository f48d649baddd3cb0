// checkpatch.pl over one file of the project, as a kernel maintainer runs it on a file that is not a
// patch: `--no-tree --file`, with one terse line per problem. It runs in the module dir, so the
// project's own .checkpatch.conf applies. Exit 0 means clean and 1 problems found; anything else is a crash.
import { join } from "node:path";
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

// file: relative to dir, which is the command's working dir.
export async function runCheckpatch(command: CheckpatchCommand, dir: string, file: string, limits: RunLimits): Promise<TaskOutcome> {
  const run = await runTool(command.program, [...command.leading, ...CHECKPATCH_FLAGS, file], dir, limits);
  const failure = describeFailure("checkpatch", `checkpatch.pl ${file}`, run, limits, [0, 1]);
  return { checker: "checkpatch", findings: failure ? [] : parseCheckpatchOutput(run.result.stdout), failure };
}
