// `kforge build [dir]`: glue between flags, kforge.json, kernel selection, the builder library and
// the progress, diagnostics and summary printers.
import { basename, resolve } from "node:path";
import { loadConfig, type KforgeConfig } from "../../config/kforge-json.js";
import { writeCompileCommands } from "../../editor/compile-commands.js";
import { ExitCode, isKforgeError, UsageError } from "../../errors.js";
import { buildModules, type BuildOptions, type KernelBuildResult } from "../../kbuild/build-modules.js";
import { objectToVariables, validateMakeVariables, type KbuildFlags } from "../../kbuild/make-arguments.js";
import { describeBypassedWrappers } from "../../kbuild/wrapper-notice.js";
import { selectKernel } from "../../kernel/select.js";
import { chooseProgressMode, createBuildProgress } from "../../ui/build-progress.js";
import { formatBuildSummary } from "../../ui/build-summary.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import type { CommandContext } from "../context.js";
import { checkReportOptions, writeBuildReports } from "./build-reports.js";
import { checkGatedRun, splitByGates, skippedJson, type SkippedKernel } from "./build-gates.js";

export interface BuildCommandOptions extends KbuildFlags {
  dir?: string;
  // Several (or "all") make a matrix build.
  kernel?: string | string[];
  kdir?: string;
  json?: boolean;
  werror?: boolean;
  force?: boolean;
  junit?: string;
  annotations?: string;
  codequality?: string;
  // A run whose dkms.conf gates skip every kernel exits 0 instead of failing.
  allowSkip?: boolean;
}

export async function buildCommand(options: BuildCommandOptions, context: CommandContext): Promise<number> {
  try {
    return await runBuild(options, context);
  } catch (error) {
    // With --json, stdout still gets its one object; the entry point prints the error itself.
    if (options.json && isKforgeError(error))
      context.stdout.write(`${JSON.stringify({ ok: false, kernels: [], error: { message: error.message, hint: error.hint ?? null } })}\n`);
    throw error;
  }
}

async function runBuild(options: BuildCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  checkReportOptions(options);
  for (const notice of await describeBypassedWrappers(dir, config.build?.command)) context.stderr.write(`kforge: ${notice}\n`);
  const matrix = matrixReleases(options, config);
  if (matrix) {
    const { runMatrixBuild } = await import("./build-matrix.js");
    return runMatrixBuild(
      {
        dir,
        releases: matrix,
        json: options.json,
        settings: mergeSettings(options, config, context.extraArgs),
        config,
        reports: options,
        allowSkip: options.allowSkip,
      },
      context,
    );
  }
  const kernel = await selectKernel({ ...chooseKernel(options, config), env: context.env });
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  const split = await splitByGates(dir, config, [kernel]);
  const { skipped } = split;
  if (skipped[0]) await writeBuildReports(dir, [], skipped, options, context);
  checkGatedRun(split, options.allowSkip, context.stderr);
  if (skipped[0]) return reportSkipped(skipped[0], options, context);
  const settings = mergeSettings(options, config, context.extraArgs);
  const mode = chooseProgressMode({ json: options.json, verbose: settings.verbose, stream: context.stderr, env: context.env });
  const progress = await createBuildProgress(mode, `building ${basename(dir)} for ${kernel.release}`, context.stderr);
  let result: KernelBuildResult;
  try {
    result = await buildModules({
      ...settings,
      dir,
      kernel: { release: kernel.release, kdir: kernel.kdir },
      signal: context.signal,
      environment: context.env,
      onEvent: progress.onEvent,
    });
  } catch (error) {
    await progress.finish({ ok: false, title: `building ${basename(dir)} for ${kernel.release}: ${(error as Error).message}` });
    throw error;
  }
  await progress.finish({ ok: result.ok, title: describeOutcome(result, dir) });
  if (result.ok && config.compileCommands) await writeCompileCommands({ dir, kdir: kernel.kdir, release: kernel.release });
  await writeBuildReports(dir, [result], [], options, context);
  if (options.json) context.stdout.write(`${JSON.stringify(toJson([result]))}\n`);
  else printResult(result, dir, settings, context);
  if (result.interrupted) return ExitCode.interrupted;
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

// A kernel outside the gates the user chose: not a failure, so exit 0 with the reason.
function reportSkipped(kernel: SkippedKernel, options: BuildCommandOptions, context: CommandContext): number {
  if (options.json) context.stdout.write(`${JSON.stringify({ ok: true, kernels: [skippedJson(kernel)] })}\n`);
  else context.stderr.write(`kforge: skipped ${kernel.release}: ${kernel.reason}\n`);
  return ExitCode.ok;
}

// More than one kernel, or "all", from the flags or else from kforge.json: a matrix build.
function matrixReleases(options: BuildCommandOptions, config: KforgeConfig): string[] | undefined {
  const named = options.kernel ?? (options.kdir === undefined ? config.kernel : undefined);
  const releases = named === undefined ? [] : [named].flat();
  if (releases.length < 2 && !releases.includes("all")) return undefined;
  if (options.kdir !== undefined)
    throw new UsageError("--kdir names one build tree, but several kernels were asked for", "drop --kdir, or name one --kernel");
  return releases;
}

// Flags win over kforge.json: a kernel named on the command line ignores the config's kernel and kdir.
function chooseKernel(options: BuildCommandOptions, config: KforgeConfig): { kernel?: string; kdir?: string } {
  const flagKernel = [options.kernel ?? []].flat()[0];
  if (flagKernel !== undefined || options.kdir !== undefined) return { kernel: flagKernel, kdir: options.kdir };
  const kernel = Array.isArray(config.kernel) ? config.kernel[0] : config.kernel;
  return { kernel, kdir: config.kdir };
}

export type Settings = Omit<BuildOptions, "dir" | "kernel" | "signal" | "onEvent" | "environment">;

export function mergeSettings(options: BuildCommandOptions, config: KforgeConfig, extraArgs: string[]): Settings {
  const make = config.make ?? {};
  return {
    jobs: options.jobs ?? make.jobs,
    llvm: options.llvm ?? make.llvm,
    arch: options.arch ?? make.arch,
    crossCompile: options.crossCompile ?? make.crossCompile,
    warnings: options.warnings ?? make.warnings,
    check: options.check ?? make.check,
    werror: options.werror ?? make.werror,
    verbose: options.verbose,
    force: options.force,
    // Command-line variables come last, so make lets them win.
    variables: [...objectToVariables(make.variables), ...validateMakeVariables(extraArgs)],
  };
}

export function describeOutcome(result: KernelBuildResult, dir: string): string {
  const name = basename(dir);
  if (result.interrupted) return `${name} for ${result.release}: interrupted`;
  if (!result.ok) return `${name} for ${result.release}: failed`;
  if (result.upToDate) return `${name} for ${result.release}: up to date`;
  return `built ${name} for ${result.release} (${result.artifacts.length} module${result.artifacts.length === 1 ? "" : "s"})`;
}

function printResult(result: KernelBuildResult, dir: string, settings: Settings, context: CommandContext): void {
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  if (result.diagnostics.length > 0) {
    const columnUnit = settings.llvm ? "byte" : "display";
    context.stderr.write(`\n${formatDiagnostics(result.diagnostics, palette, loadSourceLines(dir, result.diagnostics), { columnUnit })}\n`);
  }
  const summary = formatBuildSummary(result, { dir, werror: settings.werror, palette });
  (result.ok ? context.stdout : context.stderr).write(summary);
}

// The --json shape: {"ok", "kernels": [...]}; later issues add fields, never remove or rename them.
export function toJson(results: readonly KernelBuildResult[]): unknown {
  return {
    ok: results.every((result) => result.ok),
    kernels: results.map((result) => ({
      release: result.release,
      kdir: result.kdir,
      ok: result.ok,
      durationMs: result.durationMs,
      artifacts: result.artifacts.map(({ module, path, size, vermagic }) => ({ module, path, size, vermagic })),
      diagnostics: result.diagnostics.map(({ severity, file, line, column, message, flag, hint, includedFrom, notes }) => ({
        severity,
        file,
        line,
        column,
        message,
        flag,
        hint: hint ?? null,
        includedFrom: includedFrom ?? [],
        notes: notes ?? [],
      })),
      log: result.log,
      upToDate: result.upToDate,
      interrupted: result.interrupted,
    })),
  };
}
