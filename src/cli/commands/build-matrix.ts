// `kforge build --kernel A --kernel B` (or `--kernel all`, or a kernel list in kforge.json): builds for
// every kernel in parallel, each in its own tree under .kforge/build/<release>/, and prints one line
// per kernel as it finishes, then the kernel × module table.
import { basename } from "node:path";
import type { KforgeConfig } from "../../config/kforge-json.js";
import { ExitCode, UsageError } from "../../errors.js";
import type { KernelBuildResult } from "../../kbuild/build.js";
import { buildMatrix } from "../../kbuild/matrix.js";
import { findBuildTrees, findCachedBuildTrees } from "../../kernel/build-tree.js";
import { selectKernel, type KernelSelection } from "../../kernel/select.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import { formatMatrixSummary } from "../../ui/matrix-summary.js";
import type { CommandContext } from "../context.js";
import { writeBuildReports, type ReportOptions } from "./build-reports.js";
import { splitByGates, skippedJson, type SkippedKernel } from "./build-gates.js";
import { toJson, type Settings } from "./build.js";

export interface MatrixBuildRequest {
  dir: string;
  // Releases as named; "all" stands for every installed build tree.
  releases: string[];
  json?: boolean;
  settings: Settings;
  config: KforgeConfig;
  reports: ReportOptions;
}

export async function runMatrixBuild(request: MatrixBuildRequest, context: CommandContext): Promise<number> {
  const { allowed: kernels, skipped } = await splitByGates(request.dir, request.config, await resolveKernels(request.releases, context.env));
  const name = basename(request.dir);
  const quiet = Boolean(request.json);
  if (!quiet) context.stderr.write(`building ${name} for ${kernels.length} kernels: ${kernels.map((kernel) => kernel.release).join(", ")}\n`);
  if (!quiet) for (const kernel of skipped) context.stderr.write(`  ${kernel.release}: skipped, ${kernel.reason}\n`);
  const results = await buildMatrix({
    ...request.settings,
    dir: request.dir,
    kernels: kernels.map(({ release, kdir }) => ({ release, kdir })),
    signal: context.signal,
    environment: context.env,
    onEvent: (release, event) => {
      if (quiet) return;
      if (request.settings.verbose && event.kind === "output") context.stderr.write(`[${release}] ${event.line}\n`);
      if (event.kind === "up-to-date") context.stderr.write(`  ${release}: up to date\n`);
    },
  });
  await writeBuildReports(request.dir, results, skipped, request.reports, context);
  if (request.json) context.stdout.write(`${JSON.stringify(withSkipped(toJson(results), skipped))}\n`);
  else printResults(results, skipped, request, context);
  if (results.some((result) => result.interrupted)) return ExitCode.interrupted;
  return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.failed;
}

// Each named release is checked as a single build would check it; duplicates build once.
async function resolveKernels(releases: string[], env: NodeJS.ProcessEnv): Promise<KernelSelection[]> {
  const named = new Set<string>();
  for (const release of releases) {
    if (release !== "all") named.add(release);
    else for (const tree of [...(await findBuildTrees()), ...(await findCachedBuildTrees(env))]) named.add(tree.release);
  }
  if (named.size === 0) throw new UsageError("--kernel all found no installed build trees", "install kernel headers, or name the kernels with --kernel <release>");
  const kernels: KernelSelection[] = [];
  for (const release of named) kernels.push(await selectKernel({ kernel: release, env: { ...env, KDIR: undefined } }));
  return kernels;
}

function withSkipped(json: unknown, skipped: readonly SkippedKernel[]): unknown {
  const report = json as { kernels: unknown[] };
  return { ...report, kernels: [...report.kernels, ...skipped.map(skippedJson)] };
}

function printResults(results: readonly KernelBuildResult[], skipped: readonly SkippedKernel[], request: MatrixBuildRequest, context: CommandContext): void {
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  const columnUnit = request.settings.llvm ? "byte" : "display";
  for (const result of results.filter((candidate) => candidate.diagnostics.length > 0)) {
    context.stderr.write(`\n${result.release}:\n${formatDiagnostics(result.diagnostics, palette, loadSourceLines(request.dir, result.diagnostics), { columnUnit })}\n`);
    if (!result.ok) context.stderr.write(`full log: ${result.log}\n`);
  }
  const ok = results.every((result) => result.ok);
  (ok ? context.stdout : context.stderr).write(`\n${formatMatrixSummary(results, palette, skipped)}`);
}
