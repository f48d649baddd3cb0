// What vm, test and watch share for --coverage: the kernel with gcov, the tools checked before
// anything is built or booted, and the report files written after the run.
import { appendFile } from "node:fs/promises";
import { basename } from "node:path";
import { findGcov, type GcovTool } from "../coverage/gcov-tool.js";
import { checkGenhtml } from "../report/coverage/html.js";
import type { CoverageResult } from "../coverage/model.js";
import { checkReportTarget, coverageOutputDir, writeCoverageReports } from "../report/coverage/write-reports.js";
import { ExitCode } from "../errors.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import type { Project } from "../project/project.js";
import { resolveCoverageKernel } from "../vm/coverage-kernel.js";
import { renderCoverageStepSummary } from "../report/coverage-step-summary.js";
import { createPalette } from "../ui/color.js";
import { formatCoverage } from "../ui/coverage-summary.js";
import type { CommandContext } from "./context.js";
import { debugKernelBuilder } from "./debug-kernel-builder.js";
import { readVersion } from "./version.js";

// The kernel to run with --coverage (the selected one, or its debug kernel); without it, the selected one.
export async function withCoverageKernel<Kernel extends BuildTree & { notice?: string }>(
  project: Project,
  kernel: Kernel,
  context: CommandContext,
): Promise<BuildTree & { notice?: string }> {
  if (!project.coverage) return kernel;
  return resolveCoverageKernel(kernel, { project, build: debugKernelBuilder(context), signal: context.signal });
}

// test on several kernels: each kernel's coverage kernel, once (two releases of a series share it).
export async function coverageKernels<Kernel extends BuildTree & { notice?: string }>(
  project: Project,
  kernels: Kernel[],
  context: CommandContext,
): Promise<BuildTree[]> {
  const chosen = new Map<string, BuildTree>();
  for (const kernel of kernels) {
    const resolved = await withCoverageKernel(project, { ...kernel, notice: undefined }, context);
    if (resolved.notice) context.stderr.write(`kforge: ${resolved.notice}\n`);
    chosen.set(resolved.release, { release: resolved.release, kdir: resolved.kdir });
  }
  return [...chosen.values()];
}

// gcov of the kernel's GCC, genhtml when HTML is asked for, and an output dir kforge may write.
export async function checkCoverageTools(project: Project, kernel: BuildTree, several: boolean): Promise<{ gcov: GcovTool } | undefined> {
  if (!project.coverage) return undefined;
  const gcov = await findGcov(await readKernelConfig(kernel.kdir), kernel.release);
  const { formats, output } = project.coverage;
  if (formats.includes("html")) await checkGenhtml();
  await checkReportTarget(coverageOutputDir({ dir: project.dir, release: kernel.release, output, several }), formats);
  return { gcov };
}

export async function writeCoverageFiles(
  result: { coverage?: CoverageResult },
  project: Project,
  several: boolean,
  signal: AbortSignal,
): Promise<void> {
  const coverage = result.coverage;
  if (coverage?.status !== "ok" || !project.coverage) return;
  const { formats, output } = project.coverage;
  const outputDir = coverageOutputDir({ dir: project.dir, release: coverage.release, output, several });
  coverage.reports = await writeCoverageReports({ report: coverage, outputDir, formats, version: readVersion(), signal });
}

// The human coverage report, after the run's (and its KUnit summary); --json carries it instead.
export function printCoverage(
  result: { coverage?: CoverageResult } | undefined,
  options: { json?: boolean },
  context: CommandContext,
): void {
  const coverage = result?.coverage;
  if (coverage && !options.json)
    context.stdout.write(formatCoverage(coverage, createPalette(context.stdout as NodeJS.WriteStream), context.cwd));
}

// On GitHub Actions, the coverage table goes to the run's page as kforge build's table does.
export async function writeCoverageStepSummary(
  results: { coverage?: CoverageResult }[],
  project: Project,
  context: CommandContext,
): Promise<void> {
  const coverage = results.flatMap((result) => (result.coverage ? [result.coverage] : []));
  const summary = context.env.GITHUB_STEP_SUMMARY;
  if (coverage.length === 0 || context.env.GITHUB_ACTIONS !== "true" || !summary) return;
  await appendFile(summary, renderCoverageStepSummary(coverage, `kforge test --coverage ${basename(project.dir)}`));
}

// Counters that could not be read against the build are an environment error, as elsewhere: exit 2.
export const coverageExitCode = (results: { coverage?: CoverageResult }[], exitCode: number): number =>
  results.some((result) => result.coverage?.status === "refused") && exitCode !== ExitCode.interrupted ? ExitCode.usage : exitCode;
