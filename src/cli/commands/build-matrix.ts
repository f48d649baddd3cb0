// `kforge build --kernel A --kernel B` (or `--kernel all`, or a kernel list in kforge.json): builds for
// every kernel in parallel, each in its own tree under .kforge/build/<release>/, and prints one line
// per kernel as it finishes, then the kernel × module table.
import { basename } from "node:path";
import type { KforgeConfig } from "../../config/kforge-json.js";
import { ExitCode, UsageError } from "../../errors.js";
import type { BuildEvent, KernelBuildResult } from "../../kbuild/build-modules.js";
import { buildMatrix } from "../../kbuild/matrix.js";
import { findBuildTrees, findCachedBuildTrees } from "../../kernel/build-tree.js";
import { selectKernel, type KernelSelection } from "../../kernel/select.js";
import { chooseProgressMode, createListRows, describeMakeLockWait } from "../../ui/build-progress.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import { formatMatrixSummary } from "../../ui/matrix-summary.js";
import type { CommandContext } from "../context.js";
import { writeBuildReports, type ReportOptions } from "./build-reports.js";
import { checkGatedRun, splitByGates, skippedJson, type SkippedKernel } from "./build-gates.js";
import { describeOutcome, toJson, type Settings } from "./build.js";

export interface MatrixBuildRequest {
  dir: string;
  // Releases as named; "all" stands for every installed build tree.
  releases: string[];
  json?: boolean;
  settings: Settings;
  config: KforgeConfig;
  reports: ReportOptions;
  allowSkip?: boolean;
}

export async function runMatrixBuild(request: MatrixBuildRequest, context: CommandContext): Promise<number> {
  const split = await splitByGates(request.dir, request.config, await resolveKernels(request.releases, context.env));
  const { allowed: kernels, skipped } = split;
  if (kernels.length === 0) await writeBuildReports(request.dir, [], skipped, request.reports, context);
  checkGatedRun(split, request.allowSkip, context.stderr);
  const name = basename(request.dir);
  const quiet = Boolean(request.json);
  if (!quiet)
    context.stderr.write(`building ${name} for ${kernels.length} kernels: ${kernels.map((kernel) => kernel.release).join(", ")}\n`);
  if (!quiet) for (const kernel of skipped) context.stderr.write(`  ${kernel.release}: skipped, ${kernel.reason}\n`);
  const progress = await createMatrixProgress(request, kernels, context);
  let results: KernelBuildResult[];
  try {
    results = await buildMatrix({
      ...request.settings,
      dir: request.dir,
      kernels: kernels.map(({ release, kdir }) => ({ release, kdir })),
      signal: context.signal,
      environment: context.env,
      onEvent: progress.onEvent,
      onResult: progress.onResult,
    });
  } finally {
    await progress.close();
  }
  await writeBuildReports(request.dir, results, skipped, request.reports, context);
  if (request.json) context.stdout.write(`${JSON.stringify(withSkipped(toJson(results), skipped))}\n`);
  else printResults(results, skipped, request, context);
  if (results.some((result) => result.interrupted)) return ExitCode.interrupted;
  return results.every((result) => result.ok) ? ExitCode.ok : ExitCode.failed;
}

// A listr2 row per kernel on a terminal; otherwise a line per kernel that is up to date, and with
// --verbose make's output with each line prefixed by its kernel.
async function createMatrixProgress(request: MatrixBuildRequest, kernels: readonly KernelSelection[], context: CommandContext) {
  const name = basename(request.dir);
  const mode = chooseProgressMode({ json: request.json, verbose: request.settings.verbose, stream: context.stderr, env: context.env });
  if (mode === "list") {
    const list = await createListRows(
      kernels.map((kernel) => `building ${name} for ${kernel.release}`),
      context.stderr as NodeJS.WriteStream,
    );
    const row = (release: string) => list.rows[kernels.findIndex((kernel) => kernel.release === release)]!;
    return {
      onEvent: (release: string, event: BuildEvent) => row(release).onEvent(event),
      onResult: (result: KernelBuildResult) => row(result.release).finish({ ok: result.ok, title: describeOutcome(result, request.dir) }),
      close: () => list.close(),
    };
  }
  return {
    onEvent: (release: string, event: BuildEvent) => {
      // Also with --json (stderr): a kernel waiting on another kforge's make says why it is slow.
      if (event.kind === "waiting") context.stderr.write(`  ${release}: ${describeMakeLockWait(event)}\n`);
      if (mode === "verbose" && event.kind === "output") context.stderr.write(`[${release}] ${event.line}\n`);
      if (mode !== "silent" && event.kind === "up-to-date") context.stderr.write(`  ${release}: up to date\n`);
    },
    onResult: () => undefined,
    close: async () => undefined,
  };
}

// Each named release is checked as a single build would check it; duplicates build once.
export async function resolveKernels(releases: string[], env: NodeJS.ProcessEnv): Promise<KernelSelection[]> {
  const named = new Set<string>();
  for (const release of releases) {
    if (release !== "all") named.add(release);
    else for (const tree of [...(await findBuildTrees()), ...(await findCachedBuildTrees(env))]) named.add(tree.release);
  }
  if (named.size === 0)
    throw new UsageError(
      "--kernel all found no installed build trees",
      "install kernel headers, or name the kernels with --kernel <release>",
    );
  const kernels: KernelSelection[] = [];
  for (const release of named) kernels.push(await selectKernel({ kernel: release, env: { ...env, KDIR: undefined } }));
  return kernels;
}

function withSkipped(json: unknown, skipped: readonly SkippedKernel[]): unknown {
  const report = json as { kernels: unknown[] };
  return { ...report, kernels: [...report.kernels, ...skipped.map(skippedJson)] };
}

function printResults(
  results: readonly KernelBuildResult[],
  skipped: readonly SkippedKernel[],
  request: MatrixBuildRequest,
  context: CommandContext,
): void {
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  const columnUnit = request.settings.llvm ? "byte" : "display";
  for (const result of results.filter((candidate) => candidate.diagnostics.length > 0)) {
    context.stderr.write(
      `\n${result.release}:\n${formatDiagnostics(result.diagnostics, palette, loadSourceLines(request.dir, result.diagnostics), { columnUnit })}\n`,
    );
    if (!result.ok) context.stderr.write(`full log: ${result.log}\n`);
  }
  const ok = results.every((result) => result.ok);
  (ok ? context.stdout : context.stderr).write(`\n${formatMatrixSummary(results, palette, skipped)}`);
}
