// The CI reports of `kforge check`: SARIF (--sarif), GitLab Code Quality (--codequality), GitHub
// workflow commands and step summary (GITHUB_ACTIONS=true or --annotations github). Paths are relative
// to the repository root. Files are written whole or not at all.
import { appendFile } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { CHECKER_INFO, type CheckerName, type Finding } from "../check/checkers.js";
import type { CheckResult } from "../check/summary.js";
import { writeFileAtomic } from "../fs/files.js";
import { repositoryRoot } from "../process/git.js";
import type { ReportContext } from "./build-reports.js";
import { renderCodeQualityIssues } from "./codequality.js";
import { cell, workflowCommand } from "./github.js";
import { renderSarif, type SarifFinding } from "./sarif.js";

export interface CheckReportOptions {
  sarif?: string;
  codequality?: string;
  annotations?: string;
  json?: boolean;
}

const INFORMATION: Record<CheckerName, string> = {
  checkpatch: "https://docs.kernel.org/dev-tools/checkpatch.html",
  sparse: "https://docs.kernel.org/dev-tools/sparse.html",
  w1: "https://docs.kernel.org/kbuild/kbuild.html",
  coccinelle: "https://docs.kernel.org/dev-tools/coccinelle.html",
};

export async function writeCheckReports(
  result: CheckResult,
  dir: string,
  options: CheckReportOptions,
  target: ReportContext,
): Promise<void> {
  const github = options.annotations === "github" || (options.annotations === undefined && target.env.GITHUB_ACTIONS === "true");
  if (!options.sarif && !options.codequality && !github) return;
  const root = await repositoryRoot(dir);
  const findings = result.findings.map((finding): SarifFinding & { checker: CheckerName } => ({
    ...finding,
    file: finding.file === null ? null : relative(root, join(dir, finding.file)),
  }));
  if (options.sarif) await writeFileAtomic(resolve(target.cwd, options.sarif), renderSarif(sarifRuns(result, findings)));
  if (options.codequality) await writeFileAtomic(resolve(target.cwd, options.codequality), renderCheckCodeQuality(findings));
  if (!github) return;
  // The runner reads workflow commands on either stream; with --json stdout holds only the JSON.
  const title = (finding: SarifFinding & { checker: CheckerName }) => `${finding.checker} ${finding.rule}`;
  (options.json ? target.stderr : target.stdout).write(findings.map((finding) => workflowCommand(finding, title(finding))).join(""));
  const name = relative(root, dir) || "module";
  if (target.env.GITHUB_STEP_SUMMARY) await appendFile(target.env.GITHUB_STEP_SUMMARY, renderCheckSummary(result, findings, name));
}

function sarifRuns(result: CheckResult, findings: readonly (SarifFinding & { checker: CheckerName })[]) {
  return result.checkers
    .filter((checker) => checker.status !== "missing")
    .map((checker) => ({
      name: checker.name,
      fullName: CHECKER_INFO[checker.name].title,
      informationUri: INFORMATION[checker.name],
      findings: findings.filter((finding) => finding.checker === checker.name),
      failures: checker.failures.map((failure) => [`${failure.what} ${failure.reason}`, ...failure.output].join("\n")),
    }));
}

function renderCheckCodeQuality(findings: readonly (Pick<Finding, "checker" | "rule"> & SarifFinding)[]): string {
  return renderCodeQualityIssues(
    findings
      .filter((finding) => finding.file !== null)
      .map((finding) => ({
        description: `${finding.checker}: ${finding.message}`,
        checkName: `${finding.checker}/${finding.rule}`,
        identity: [finding.checker, finding.rule, finding.file, finding.line, finding.column, finding.message].join("\0"),
        severity: finding.severity,
        path: finding.file!,
        line: finding.line,
      })),
  );
}

const MAX_SUMMARY_FINDINGS = 20;

// Markdown for $GITHUB_STEP_SUMMARY: one row per checker, the findings count, the first findings.
function renderCheckSummary(result: CheckResult, findings: readonly (SarifFinding & { checker: CheckerName })[], name: string): string {
  const rows = result.checkers.map((checker) => {
    const status = checker.status === "missing" ? `did not run: ${checker.missing?.reason ?? ""}` : checker.status;
    const title = cell(CHECKER_INFO[checker.name].title);
    return `| ${title} | ${checker.checked} | ${checker.findings} | ${checker.ignored} | ${cell(status)} |`;
  });
  const table = ["| checker | checked | findings | ignored | result |", "| --- | ---: | ---: | ---: | --- |", ...rows].join("\n");
  const verdict =
    `**${findings.length} finding${findings.length === 1 ? "" : "s"}**: ${result.ok ? "passed" : "failed"} ` +
    `(fails on: ${result.failOn.join(", ") || "nothing"})`;
  const first = findings.slice(0, MAX_SUMMARY_FINDINGS).map((finding) => {
    const place = finding.file === null ? "" : `${finding.file}:${finding.line ?? ""}: `;
    return `${place}${finding.severity}: ${finding.checker} ${finding.rule}: ${finding.message}`;
  });
  const details = first.length === 0 ? "" : `\n\n#### First findings\n\n\`\`\`\n${first.join("\n").replace(/```/g, "'''")}\n\`\`\``;
  return `### kforge check ${name} (${result.release})\n\n${table}\n\n${verdict}${details}\n\n`;
}
