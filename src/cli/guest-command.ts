// What vm and test share: the project opened with its guest settings checked, the one-kernel guest
// run with its notices and step progress on stderr, and the outcome reported as `kforge vm` does.
import { formatNotice, showLine } from "../text/visible-text.js";
import { ExitCode } from "../errors.js";
import { openProject, type Project } from "../project/project.js";
import type { Flags } from "../project/settings.js";
import { toTestOutcome } from "../report/test-outcome.js";
import { describeBuildNotice } from "../ui/build-progress.js";
import { createPalette } from "../ui/color.js";
import { printTestOutcome } from "../ui/test-output.js";
import { formatArtifacts } from "../ui/artifacts-summary.js";
import type { VmResult } from "../vm/report.js";
import { selectGuestKernel } from "../vm/debug-kernel.js";
import { checkGuestMemory } from "../vm/guest/memory.js";
import { type ProjectRunOutcome, runProjectInGuest, type VmRunExtension } from "../vm/run-project.js";
import type { CommandContext } from "./context.js";
import { checkCoverageTools, withCoverageKernel, writeCoverageFiles } from "./coverage-command.js";
import { debugKernelBuilder } from "./debug-kernel-builder.js";

export interface GuestCommandOptions extends Flags {
  dir?: string;
  shell?: boolean;
  keepGoing?: boolean;
  cold?: boolean;
  debug?: boolean;
  json?: boolean;
  append?: string[];
}

// The project of a guest command, its guest settings checked before anything is built or booted.
export async function openGuestProject(options: { dir?: string } & Flags, context: CommandContext): Promise<Project> {
  const project = await openProject({ ...context, dir: options.dir, flags: options });
  checkGuestMemory(project.guest.memoryMb, project.guest.memorySource as "--memory");
  return project;
}

// The one-kernel guest run of vm and test: the kernel chosen, notices and step progress on stderr.
export async function runGuestCommand(project: Project, options: GuestCommandOptions, context: CommandContext, extension?: VmRunExtension) {
  const selected = await selectGuestKernel(project, { debug: options.debug, build: debugKernelBuilder(context), signal: context.signal });
  const kernel = await withCoverageKernel(project, selected, context);
  const coverage = await checkCoverageTools(project, kernel, false);
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  if (kernel.notice) context.stderr.write(formatNotice(kernel.notice));
  const outcome = await runProjectInGuest({
    project,
    kernel,
    shell: options.shell,
    keepGoing: options.keepGoing,
    cold: options.cold,
    append: options.append,
    extension,
    coverage,
    signal: context.signal,
    // Every notice goes to stderr, with --json too; progress is dim and unprefixed.
    onNotice: (message, quiet) => context.stderr.write(quiet ? `${palette.dim(showLine(message))}\n` : formatNotice(message)),
    onStepStart: (step) => !options.json && context.stderr.write(`${palette.dim(`  ... ${step.name}`)}\n`),
    onBuildEvent: (event) => {
      const said = describeBuildNotice(event);
      if (said) context.stderr.write(formatNotice(said));
    },
  });
  if (kernel.notice && outcome.kind === "done") outcome.result.notices.unshift(kernel.notice);
  if (outcome.kind === "done") await writeCoverageFiles(outcome.result, project, false, context.signal);
  return { kernel, outcome };
}

// The files the steps sent back, after the run's report; --json carries them in the result instead.
export function printArtifacts(result: Partial<VmResult> | undefined, options: { json?: boolean }, context: CommandContext): void {
  if (!result?.artifacts || options.json) return;
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  context.stdout.write(formatArtifacts(result.artifacts, palette, context.cwd, (result.steps?.length ?? 0) > 0));
}

export function reportOutcome(outcome: ProjectRunOutcome, project: Project, options: GuestCommandOptions, context: CommandContext): number {
  if (outcome.kind === "interrupted") return ExitCode.interrupted;
  const release = outcome.kind === "done" ? outcome.result.release : outcome.build.release;
  const result = toTestOutcome(release, outcome);
  if (options.json) context.stdout.write(`${JSON.stringify(outcome.kind === "done" ? outcome.result : result)}\n`);
  else printTestOutcome(result, project.dir, false, context);
  if (outcome.kind === "done" && outcome.result.end === "interrupted") return ExitCode.interrupted;
  return result.ok ? ExitCode.ok : ExitCode.failed;
}
