// `kforge vm [dir]`: the project's build for its kernel (or its debug kernel), loaded in a throwaway
// QEMU guest with the test steps run, then unloaded and reported. Glue over src/vm/run-project.ts.
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { coverageExitCode, printCoverage, writeCoverageStepSummary } from "../coverage-command.js";
import { type GuestCommandOptions, openGuestProject, printArtifacts, reportOutcome, runGuestCommand } from "../guest-command.js";

export type VmCommandOptions = GuestCommandOptions;

export async function vmCommand(options: VmCommandOptions, context: CommandContext): Promise<number> {
  if (options.shell && options.json) throw new UsageError("--shell and --json cannot be combined", "drop one of them");
  const project = await openGuestProject(options, context);
  const { outcome } = await runGuestCommand(project, options, context);
  const exitCode = reportOutcome(outcome, project, options, context);
  const result = outcome.kind === "done" ? outcome.result : undefined;
  printArtifacts(result, options, context);
  printCoverage(result, options, context);
  if (result) await writeCoverageStepSummary([result], project, context);
  return coverageExitCode(result ? [result] : [], exitCode);
}
