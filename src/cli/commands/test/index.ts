// `kforge test [dir] --vm`: the module's tests in a throwaway guest, the same run as `kforge vm`, plus
// the project's KUnit suites; on several kernels, or with --junit for a project without suites, one
// run per kernel with a report per kernel (kernels.ts).
import { resolve } from "node:path";
import { UsageError } from "../../../errors.js";
import { assertWritableOutputs } from "../../../fs/check-path.js";
import { writeOutput } from "../../../fs/files.js";
import { findKunitSources } from "../../../kbuild/kunit-suites.js";
import { renderKunitJunit } from "../../../report/kunit-junit.js";
import { createPalette } from "../../../ui/color.js";
import { formatKunitSummary } from "../../../ui/kunit-summary.js";
import { createKunitExtension } from "../../../vm/kunit-extension.js";
import type { KunitVmResult } from "../../../vm/kunit-run.js";
import type { CommandContext } from "../../context.js";
import { coverageExitCode, printCoverage, writeCoverageStepSummary } from "../../coverage-command.js";
import { type GuestCommandOptions, openGuestProject, printArtifacts, reportOutcome, runGuestCommand } from "../../guest-command.js";
import { runKernelTests } from "./kernels.js";

export interface TestCommandOptions extends GuestCommandOptions {
  vm?: boolean;
  junit?: string;
  // A run whose dkms.conf gates skip every kernel exits 0 instead of failing.
  allowSkip?: boolean;
}

export async function testCommand(options: TestCommandOptions, context: CommandContext): Promise<number> {
  if (!options.vm) {
    throw new UsageError(
      "kforge test runs the tests in a throwaway VM; pass --vm",
      "kforge test --vm (loading a module under test into the running kernel is what the VM is there to avoid)",
    );
  }
  await assertWritableOutputs(context.cwd, { "--junit": options.junit });
  const project = await openGuestProject(options, context);
  // On one kernel, --junit reports the KUnit cases when the project has suites, else the steps.
  const kunitReport = options.junit !== undefined && (await findKunitSources(project.dir)).length > 0;
  if (project.severalKernels || (options.junit !== undefined && !kunitReport)) return runKernelTests(project, options, context);
  const { kernel, outcome } = await runGuestCommand(project, options, context, createKunitExtension());
  const kunit = outcome.kind === "done" ? (outcome.result as Partial<KunitVmResult>).kunit : undefined;
  if (kunit && options.junit) {
    await writeOutput(resolve(context.cwd, options.junit), renderKunitJunit(kunit, kernel.release));
  }
  const exitCode = reportOutcome(outcome, project, options, context);
  if (kunit && !options.json) context.stdout.write(formatKunitSummary(kunit, createPalette(context.stdout as NodeJS.WriteStream)));
  const result = outcome.kind === "done" ? outcome.result : undefined;
  printArtifacts(result, options, context);
  printCoverage(result, options, context);
  if (result) await writeCoverageStepSummary([result], project, context);
  return coverageExitCode(result ? [result] : [], exitCode);
}
