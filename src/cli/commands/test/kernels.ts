// `kforge test --vm` on several kernels (--kernel repeated or all, a kforge.json kernel list), and
// `kforge test --junit` on one. The kernels are first built in parallel, each at its build location,
// so the guests never share build outputs; then each runs what `kforge vm` runs, a few guests at a
// time, and the report has one entry per kernel in that command's JSON shape.
import { formatNotice, showLine } from "../../../text/visible-text.js";
import { availableParallelism, freemem } from "node:os";
import { basename, resolve } from "node:path";
import type { CoverageResult } from "../../../coverage/model.js";
import { EnvironmentError, ExitCode, isKforgeError, UsageError } from "../../../errors.js";
import { writeOutput } from "../../../fs/files.js";
import { findKernelImage } from "../../../kernel/kernel-image.js";
import type { KernelSelection } from "../../../kernel/select.js";
import { buildProject } from "../../../project/build.js";
import { gatedRunRefusal } from "../../../project/gates.js";
import type { Project } from "../../../project/project.js";
import { renderTestJunit } from "../../../report/test-junit.js";
import { isSkipped, type KernelTestOutcome, toTestOutcome } from "../../../report/test-outcome.js";
import { describeBuildNotice } from "../../../ui/build-progress.js";
import { createPalette } from "../../../ui/color.js";
import { prefixLines } from "../../../ui/output-stream.js";
import { printTestOutcome } from "../../../ui/test-output.js";
import { formatTestSummary } from "../../../ui/test-summary.js";
import { planGuestConcurrency } from "../../../vm/guest/concurrency.js";
import { resolveDebugRelease } from "../../../vm/debug-kernel.js";
import type { VmResult } from "../../../vm/report.js";
import { runProjectInGuest } from "../../../vm/run-project.js";
import type { CommandContext } from "../../context.js";
import {
  checkCoverageTools,
  coverageExitCode,
  coverageKernels,
  printCoverage,
  writeCoverageFiles,
  writeCoverageStepSummary,
} from "../../coverage-command.js";
import { debugKernelBuilder } from "../../debug-kernel-builder.js";
import { printArtifacts } from "../../guest-command.js";
import type { TestCommandOptions } from "./index.js";

type Outcomes = Map<string, KernelTestOutcome>;

export async function runKernelTests(project: Project, options: TestCommandOptions, context: CommandContext): Promise<number> {
  const several = project.severalKernels;
  if (several) checkSeveralKernels(project, options);
  const stock = several ? await project.kernels() : [await singleKernel(project, context)];
  const chosen = options.debug ? await debugKernels(project, stock, context) : stock;
  const kernels = project.coverage ? await coverageKernels(project, chosen, context) : chosen;
  const split = await project.splitByGates(kernels);
  const { allowed, skipped } = split;
  const refusal = gatedRunRefusal(split, options.allowSkip, context.stderr);
  if (refusal) throw refusal;
  const outcomes: Outcomes = new Map(
    skipped.map((kernel) => [kernel.release, { ok: true, release: kernel.release, skipped: true, reason: kernel.reason }]),
  );
  const bootable = await withoutMissingImages(allowed, project, outcomes);
  if (!options.json && several) {
    context.stderr.write(
      `testing ${basename(project.dir)} on ${kernels.length} kernels: ${kernels.map((kernel) => kernel.release).join(", ")}\n`,
    );
  }
  for (const [release, outcome] of outcomes)
    if (!options.json && isSkipped(outcome)) context.stderr.write(`  ${release}: skipped, ${outcome.reason}\n`);
  const built = several ? await buildEach(project, bootable, outcomes, context) : bootable;
  if (context.signal.aborted) return ExitCode.interrupted;
  await runGuests(project, options, built, outcomes, context);
  // After Ctrl-C, kernels whose turn never came have no outcome of their own.
  const ordered = kernels.map(
    (kernel) => outcomes.get(kernel.release) ?? errorOutcome(kernel.release, { message: "interrupted before its guest started" }),
  );
  if (options.junit)
    await writeOutput(resolve(context.cwd, options.junit), renderTestJunit(ordered, `kforge test ${basename(project.dir)}`));
  return report(ordered, project, options, context);
}

function checkSeveralKernels(project: Project, options: TestCommandOptions): void {
  const one = (what: string) =>
    new UsageError(`${what} names one thing for one kernel, but several kernels were asked for`, "drop it, or name one --kernel");
  if (options.kdir !== undefined) throw one("--kdir");
  if (options.vmKernel !== undefined) throw one("--vm-kernel");
  if (project.config.vm?.kernel !== undefined) throw one("kforge.json vm.kernel");
  if (options.shell)
    throw new UsageError("--shell opens one guest, but several kernels were asked for", "name one --kernel to get a shell");
}

// --debug: each kernel's debug kernel (two releases of one series share it).
async function debugKernels(project: Project, kernels: KernelSelection[], context: CommandContext): Promise<KernelSelection[]> {
  const build = debugKernelBuilder(context);
  const debug = new Map<string, KernelSelection>();
  for (const kernel of kernels) {
    const resolved = await resolveDebugRelease(kernel, { env: project.env, build, project, signal: context.signal });
    context.stderr.write(formatNotice(resolved.notice));
    debug.set(resolved.release, { release: resolved.release, kdir: resolved.kdir });
  }
  return [...debug.values()];
}

async function singleKernel(project: Project, context: CommandContext): Promise<KernelSelection> {
  const kernel = await project.kernel();
  if (kernel.notice) context.stderr.write(formatNotice(kernel.notice));
  return kernel;
}

// A kernel without an image to boot is skipped with the command that fetches one (fetching is
// `kforge kernel fetch`'s job); an image that exists but cannot be read is that kernel's error.
async function withoutMissingImages(kernels: KernelSelection[], project: Project, outcomes: Outcomes): Promise<KernelSelection[]> {
  const bootable: KernelSelection[] = [];
  for (const kernel of kernels) {
    try {
      await findKernelImage({
        release: kernel.release,
        vmKernel: project.guest.vmKernel,
        configKernel: project.guest.configKernel,
        env: project.env,
      });
      bootable.push(kernel);
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      const missing = error.message.startsWith("no kernel image");
      const reason = `no kernel image, fetch it with kforge kernel fetch ${kernel.release}`;
      outcomes.set(
        kernel.release,
        missing ? { ok: true, release: kernel.release, skipped: true, reason } : errorOutcome(kernel.release, error),
      );
    }
  }
  return bootable;
}

const errorOutcome = (release: string, error: { message: string; hint?: string }): KernelTestOutcome => ({
  ok: false,
  release,
  error: { message: error.message, hint: error.hint ?? null },
});

// Every kernel built first, in parallel; a kernel whose build failed is reported as such and not booted.
async function buildEach(
  project: Project,
  kernels: KernelSelection[],
  outcomes: Outcomes,
  context: CommandContext,
): Promise<KernelSelection[]> {
  if (kernels.length === 0) return [];
  const results = await buildProject(project, {
    kernels,
    signal: context.signal,
    onEvent: (release, event) => {
      const said = describeBuildNotice(event);
      if (said) context.stderr.write(formatNotice(`${release}: ${said}`));
    },
  });
  for (const result of results.filter((candidate) => !candidate.ok && !candidate.interrupted)) {
    outcomes.set(result.release, {
      ok: false,
      release: result.release,
      build: { ok: false, log: result.log, diagnostics: result.diagnostics },
    });
  }
  return kernels.filter((kernel) => results.find((result) => result.release === kernel.release)?.ok);
}

async function runGuests(
  project: Project,
  options: TestCommandOptions,
  kernels: KernelSelection[],
  outcomes: Outcomes,
  context: CommandContext,
): Promise<void> {
  const several = project.severalKernels;
  const concurrency = planGuestConcurrency(kernels.length, availableParallelism(), freemem() / 2 ** 20, project.guest.memoryMb);
  let next = 0;
  const worker = async () => {
    while (next < kernels.length && !context.signal.aborted) {
      const kernel = kernels[next++]!;
      // Several guests write to stderr at once: each line names its kernel.
      const stderr = several ? prefixLines(context.stderr, `[${kernel.release}] `) : context.stderr;
      outcomes.set(kernel.release, await runOneGuest(project, options, kernel, stderr, context.signal));
      if (several && !options.json)
        context.stderr.write(`  ${kernel.release}: ${outcomes.get(kernel.release)!.ok ? "passed" : "failed"}\n`);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function runOneGuest(
  project: Project,
  options: TestCommandOptions,
  kernel: KernelSelection,
  stderr: { write(text: string): unknown },
  signal: AbortSignal,
): Promise<KernelTestOutcome> {
  try {
    const coverage = await checkCoverageTools(project, kernel, project.severalKernels);
    const outcome = await runProjectInGuest({
      project,
      kernel,
      coverage,
      keepGoing: options.keepGoing,
      cold: options.cold,
      append: options.append,
      signal,
      onNotice: (message, quiet) => stderr.write(quiet ? `${showLine(message)}\n` : formatNotice(message)),
    });
    if (outcome.kind === "done") await writeCoverageFiles(outcome.result, project, project.severalKernels, signal);
    return toTestOutcome(kernel.release, outcome);
  } catch (error) {
    if (!isKforgeError(error)) throw error;
    return errorOutcome(kernel.release, error);
  }
}

async function report(
  outcomes: KernelTestOutcome[],
  project: Project,
  options: TestCommandOptions,
  context: CommandContext,
): Promise<number> {
  const several = project.severalKernels;
  const tested = outcomes.filter((outcome) => !isSkipped(outcome));
  const missingImages = outcomes.some((outcome) => isSkipped(outcome) && outcome.reason.startsWith("no kernel image"));
  const ok = outcomes.every((outcome) => outcome.ok);
  if (options.json) context.stdout.write(`${JSON.stringify(several ? { ok, kernels: outcomes } : outcomes[0])}\n`);
  else
    for (const outcome of outcomes) {
      printTestOutcome(outcome, project.dir, several, context);
      printArtifacts(outcome as Partial<VmResult>, options, context);
      printCoverage(outcome as { coverage?: CoverageResult }, options, context);
    }
  await writeCoverageStepSummary(outcomes as { coverage?: CoverageResult }[], project, context);
  if (!options.json && several)
    context.stdout.write(`\n${formatTestSummary(outcomes, createPalette(context.stdout as NodeJS.WriteStream))}`);
  if (context.signal.aborted || outcomes.some((outcome) => "end" in outcome && outcome.end === "interrupted")) return ExitCode.interrupted;
  if (tested.length === 0 && missingImages) {
    throw new EnvironmentError(
      "no kernel could be tested: none of them has a kernel image to boot",
      "fetch the images with kforge kernel fetch <release> (see the skipped kernels above)",
    );
  }
  return coverageExitCode(outcomes as { coverage?: CoverageResult }[], ok ? ExitCode.ok : ExitCode.failed);
}
