// Pure: GitLab Code Quality reports, one issue per diagnostic (build) or finding (check) that names a file.
import { createHash } from "node:crypto";
import { includeChain, noteText, type ReportKernel } from "./report-input.js";

const SEVERITY = { error: "major", warning: "minor", note: "info" } as const;

export interface CodeQualityIssue {
  description: string;
  checkName: string;
  // What makes the finding unique, hashed into its fingerprint.
  identity: string;
  severity: keyof typeof SEVERITY;
  path: string;
  line: number | null;
}

export function renderCodeQualityIssues(issues: readonly CodeQualityIssue[]): string {
  const findings = issues.map((issue) => ({
    description: issue.description,
    check_name: issue.checkName,
    fingerprint: createHash("sha256").update(issue.identity).digest("hex"),
    severity: SEVERITY[issue.severity],
    location: { path: issue.path, lines: { begin: issue.line ?? 1 } },
  }));
  return `${JSON.stringify(findings, null, 2)}\n`;
}

export function renderCodeQuality(kernels: readonly ReportKernel[]): string {
  return renderCodeQualityIssues(
    kernels.flatMap((kernel) =>
      kernel.diagnostics
        .filter((diagnostic) => diagnostic.file !== null)
        .map((diagnostic) => {
          const place = `${diagnostic.file}:${diagnostic.line ?? 1}:${diagnostic.column ?? 0}`;
          const notes = (diagnostic.notes ?? []).map((note) => `; ${noteText(note)}`).join("");
          return {
            description: `${kernel.release}: ${diagnostic.message}${includeChain(diagnostic)}${notes}`,
            checkName: diagnostic.flag ?? `kbuild-${diagnostic.severity}`,
            // Unique per finding: the same warning on two kernels is two findings.
            identity: `${kernel.release}\0${place}\0${diagnostic.severity}\0${diagnostic.message}`,
            severity: diagnostic.severity,
            path: diagnostic.file!,
            line: diagnostic.line,
          };
        }),
    ),
  );
}
