// Writes a coverage report's files into its output dir, each complete or not at all: a file is
// written beside its final name and renamed over it, the HTML dir is made aside and swapped in.
// An html/ dir kforge did not write (no marker file) is never replaced.
import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { UsageError } from "../../errors.js";
import { isAccessible } from "../../fs/files.js";
import { renderCobertura } from "./cobertura.js";
import { renderHtml } from "./html.js";
import { renderLcov } from "./lcov.js";
import type { CoverageFormat, CoverageReport } from "../../coverage/model.js";

export const REPORT_FILES: Record<CoverageFormat, string> = { lcov: "lcov.info", cobertura: "cobertura.xml", html: "html" };
const HTML_MARKER = ".kforge-coverage";

// Pure: where a kernel's reports go: .kforge/coverage/<release>/ by default; a chosen dir holds one
// kernel's reports, or with several kernels one subdir per release.
export function coverageOutputDir(input: { dir: string; release: string; output?: string; several: boolean }): string {
  if (input.output === undefined) return join(input.dir, ".kforge", "coverage", input.release);
  return input.several ? join(resolve(input.output), input.release) : resolve(input.output);
}

export interface WriteReportsInput {
  report: CoverageReport;
  outputDir: string;
  formats: readonly CoverageFormat[];
  version: string;
  signal?: AbortSignal;
}

export async function writeCoverageReports(input: WriteReportsInput): Promise<Partial<Record<CoverageFormat, string>>> {
  const { report, outputDir } = input;
  await mkdir(outputDir, { recursive: true });
  const written: Partial<Record<CoverageFormat, string>> = {};
  const lcov = renderLcov(report, report.release.replace(/\W/g, "_"));
  if (input.formats.includes("lcov")) written.lcov = await replaceFile(join(outputDir, REPORT_FILES.lcov), lcov);
  if (input.formats.includes("cobertura")) {
    const xml = renderCobertura(report, { timestamp: Math.floor(Date.now() / 1000), version: input.version });
    written.cobertura = await replaceFile(join(outputDir, REPORT_FILES.cobertura), xml);
  }
  if (input.formats.includes("html")) written.html = await replaceHtml(report, outputDir, lcov, input.signal);
  return written;
}

async function replaceFile(path: string, text: string): Promise<string> {
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, text);
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return path;
}

// Checked before the run too, so a refusal costs no guest run.
export async function checkReportTarget(outputDir: string, formats: readonly CoverageFormat[]): Promise<void> {
  const target = join(outputDir, REPORT_FILES.html);
  if (!formats.includes("html") || !(await isAccessible(target)) || (await isAccessible(join(target, HTML_MARKER)))) return;
  throw new UsageError(
    `${target} exists and kforge did not write it: not replacing it with the coverage report`,
    "choose another --coverage-output, or move that dir away",
  );
}

async function replaceHtml(report: CoverageReport, outputDir: string, lcov: string, signal?: AbortSignal): Promise<string> {
  const target = join(outputDir, REPORT_FILES.html);
  await checkReportTarget(outputDir, ["html"]);
  const work = await mkdtemp(join(outputDir, ".html-partial-"));
  try {
    const tracefile = join(work, REPORT_FILES.lcov);
    await writeFile(tracefile, lcov);
    const html = join(work, "html");
    await renderHtml({ tracefile, outputDir: html, dir: report.dir, title: `kforge coverage, ${report.release}`, signal });
    await writeFile(join(html, HTML_MARKER), "written by kforge test --coverage; replaced on the next run\n");
    const old = join(work, "old");
    if (await isAccessible(target)) await rename(target, old);
    await rename(html, target);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return target;
}
