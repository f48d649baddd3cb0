// CI reports of a build, single or matrix: --junit, GitHub annotations and step summary
// (GITHUB_ACTIONS=true or --annotations github), GitLab Code Quality (--annotations gitlab --codequality).
import { appendFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { UsageError } from "../errors.js";
import { writeOutput } from "../fs/files.js";
import type { KernelBuildResult } from "../kbuild/build-modules.js";
import { repositoryRoot } from "../process/git.js";
import type { SkippedKernel } from "../project/gates.js";
import { mirrorDir } from "../kbuild/mirror.js";
import type { OutputStream } from "../ui/output-stream.js";
import { renderCodeQuality } from "./codequality.js";
import { renderGithubAnnotations, renderStepSummary } from "./github.js";
import { renderJunit } from "./junit.js";
import type { ReportKernel } from "./report-input.js";

// Where reports go and who reads them: the command's cwd, environment and output streams.
export interface ReportContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: OutputStream;
  stderr: OutputStream;
}

export interface ReportOptions {
  junit?: string;
  annotations?: string;
  codequality?: string;
  json?: boolean;
}

export function checkReportOptions(options: ReportOptions): void {
  if (options.annotations !== undefined && !["github", "gitlab"].includes(options.annotations))
    throw new UsageError(
      `--annotations takes github or gitlab, got "${options.annotations}"`,
      "use --annotations github or --annotations gitlab --codequality <file>",
    );
  if (options.annotations === "gitlab" && options.codequality === undefined)
    throw new UsageError(
      "--annotations gitlab needs --codequality <file>",
      "add --codequality gl-code-quality-report.json and publish it as artifacts: reports: codequality",
    );
}

export const wantsReports = (options: ReportOptions, env: NodeJS.ProcessEnv) =>
  Boolean(options.junit || options.codequality || options.annotations || env.GITHUB_ACTIONS === "true");

export async function writeBuildReports(
  dir: string,
  results: readonly KernelBuildResult[],
  skipped: readonly SkippedKernel[],
  options: ReportOptions,
  context: ReportContext,
): Promise<void> {
  if (!wantsReports(options, context.env)) return;
  const root = await repositoryRoot(dir);
  const kernels = [
    ...results.map((result) => reportKernel(result, dir, root)),
    ...skipped.map(
      (kernel): ReportKernel => ({
        release: kernel.release,
        modules: [],
        outcome: "skipped",
        reason: kernel.reason,
        durationMs: 0,
        diagnostics: [],
      }),
    ),
  ];
  const name = relative(root, dir) || "module";
  if (options.junit) await writeOutput(resolve(context.cwd, options.junit), renderJunit(kernels, `kforge build ${name}`));
  if (options.codequality) await writeOutput(resolve(context.cwd, options.codequality), renderCodeQuality(kernels));
  const github = options.annotations === "github" || (options.annotations === undefined && context.env.GITHUB_ACTIONS === "true");
  if (!github) return;
  // The runner reads workflow commands on either stream; with --json stdout holds only the JSON.
  (options.json ? context.stderr : context.stdout).write(renderGithubAnnotations(kernels));
  if (context.env.GITHUB_STEP_SUMMARY)
    await appendFile(context.env.GITHUB_STEP_SUMMARY, renderStepSummary(kernels, `kforge build ${name}`));
}

function reportKernel(result: KernelBuildResult, dir: string, root: string): ReportKernel {
  const outcome = result.interrupted ? "interrupted" : result.ok ? "ok" : "failed";
  const mirror = mirrorDir(dir, result.release) + sep;
  // Paths are relative to the dir make ran in (the kernel's mirror tree in a matrix build), which
  // mirrors the module dir file for file.
  const sourcePath = (file: string) => {
    const absolute = isAbsolute(file) ? file : join(dir, file);
    return relative(root, absolute.startsWith(mirror) ? join(dir, absolute.slice(mirror.length)) : absolute);
  };
  return {
    release: result.release,
    modules: result.artifacts.map((artifact) => artifact.module),
    outcome,
    durationMs: result.durationMs,
    diagnostics: result.diagnostics.map(({ severity, file, line, column, message, flag }) => ({
      severity,
      file: file === null ? null : sourcePath(file),
      line,
      column,
      message,
      flag,
    })),
    log: result.log,
  };
}
