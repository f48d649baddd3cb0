// `kforge build [dir]`: the project's build for its kernels, one or several (each at its build
// location, in parallel), with progress, diagnostics, a summary and the CI reports.
import { formatNotice } from "../../text/visible-text.js";
import { writeCompileCommands } from "../../editor/compile-commands.js";
import { ExitCode } from "../../errors.js";
import { assertWritableOutputs } from "../../fs/check-path.js";
import type { KernelBuildResult } from "../../kbuild/build-modules.js";
import type { KbuildFlags } from "../../kbuild/make-arguments.js";
import { describeBypassedWrappers } from "../../kbuild/wrapper-notice.js";
import { buildProject } from "../../project/build.js";
import { gatedRunRefusal, type SkippedKernel } from "../../project/gates.js";
import { openProject, type Project } from "../../project/project.js";
import { checkReportOptions, type ReportOptions, writeBuildReports } from "../../report/build-reports.js";
import { chooseProgressMode } from "../../ui/build-progress.js";
import { buildJson, printBuildResults } from "../../ui/build-results.js";
import { createKernelsProgress } from "../../ui/kernels-progress.js";
import type { CommandContext } from "../context.js";

export interface BuildCommandOptions extends ReportOptions, KbuildFlags {
  dir?: string;
  kernel?: string[];
  kdir?: string;
  werror?: boolean;
  force?: boolean;
  // A run whose dkms.conf gates skip every kernel exits 0 instead of failing.
  allowSkip?: boolean;
}

export async function buildCommand(options: BuildCommandOptions, context: CommandContext): Promise<number> {
  checkReportOptions(options);
  await assertWritableOutputs(context.cwd, { "--junit": options.junit, "--codequality": options.codequality });
  const project = await openProject({ ...context, dir: options.dir, flags: options, extraArgsAreMakeVariables: true });
  for (const notice of await describeBypassedWrappers(project.dir, project.make.buildCommand)) context.stderr.write(formatNotice(notice));
  const kernels = await project.kernels();
  if (!project.severalKernels && kernels[0]!.notice) context.stderr.write(formatNotice(kernels[0]!.notice));
  const split = await project.splitByGates(kernels);
  const { allowed, skipped } = split;
  const refusal = gatedRunRefusal(split, options.allowSkip, context.stderr);
  if (refusal) {
    await writeBuildReports(project.dir, [], skipped, options, context);
    throw refusal;
  }
  if (allowed.length === 0 && !project.severalKernels) return reportSkipped(project, skipped, options, context);
  const several = project.severalKernels;
  if (several && !options.json) announce(project, allowed, skipped, context);
  const results = await build(project, allowed, options, context);
  const single = !several ? results[0] : undefined;
  if (single?.ok && project.config.compileCommands)
    await writeCompileCommands({ dir: project.dir, kdir: single.kdir, release: single.release });
  await writeBuildReports(project.dir, results, skipped, options, context);
  if (options.json) context.stdout.write(`${JSON.stringify(buildJson(results, skipped))}\n`);
  else printBuildResults(results, skipped, { dir: project.dir, several, llvm: project.make.llvm, werror: project.make.werror }, context);
  if (results.some((result) => result.interrupted)) return ExitCode.interrupted;
  return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.failed;
}

async function build(
  project: Project,
  kernels: { release: string; kdir: string }[],
  options: BuildCommandOptions,
  context: CommandContext,
): Promise<KernelBuildResult[]> {
  const mode = chooseProgressMode({ json: options.json, verbose: project.make.verbose, stream: context.stderr, env: context.env });
  const progress = await createKernelsProgress(
    mode,
    project.dir,
    kernels.map((kernel) => kernel.release),
    context.stderr,
  );
  try {
    const results = await buildProject(project, {
      kernels,
      signal: context.signal,
      onEvent: progress.onEvent,
      onResult: progress.onResult,
    });
    await progress.close();
    return results;
  } catch (error) {
    await progress.close(error as Error);
    throw error;
  }
}

function announce(project: Project, kernels: { release: string }[], skipped: SkippedKernel[], context: CommandContext): void {
  const name = project.dir.split("/").pop();
  context.stderr.write(`building ${name} for ${kernels.length} kernels: ${kernels.map((kernel) => kernel.release).join(", ")}\n`);
  for (const kernel of skipped) context.stderr.write(`  ${kernel.release}: skipped, ${kernel.reason}\n`);
}

// The one kernel asked for is outside the gates the user chose: not a failure, so exit 0 with the reason.
async function reportSkipped(
  project: Project,
  skipped: SkippedKernel[],
  options: BuildCommandOptions,
  context: CommandContext,
): Promise<number> {
  await writeBuildReports(project.dir, [], skipped, options, context);
  if (options.json) context.stdout.write(`${JSON.stringify(buildJson([], skipped))}\n`);
  else context.stderr.write(`kforge: skipped ${skipped[0]!.release}: ${skipped[0]!.reason}\n`);
  return ExitCode.ok;
}
