// Pure: GitHub Actions workflow commands (::error / ::warning) for each diagnostic, and the Markdown
// step summary: the kernel × module table, then the first diagnostics.
import { caseNames, diagnosticDetails, includeChain, noteText, type ReportDiagnostic, type ReportKernel } from "./report-input.js";

const escapeData = (text: string) => text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (text: string) => escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

// One ::error / ::warning / ::notice workflow command line.
export function workflowCommand(diagnostic: ReportDiagnostic, title: string, message = diagnostic.message): string {
  const command = diagnostic.severity === "error" ? "error" : diagnostic.severity === "warning" ? "warning" : "notice";
  const properties: string[] = [];
  if (diagnostic.file !== null) properties.push(`file=${escapeProperty(diagnostic.file)}`);
  if (diagnostic.line !== null) properties.push(`line=${diagnostic.line}`);
  if (diagnostic.column !== null) properties.push(`col=${diagnostic.column}`);
  properties.push(`title=${escapeProperty(title)}`);
  return `::${command} ${properties.join(",")}::${escapeData(message)}\n`;
}

export function renderGithubAnnotations(kernels: readonly ReportKernel[]): string {
  return kernels
    .flatMap((kernel) =>
      kernel.diagnostics.map((diagnostic) => {
        const notes = (diagnostic.notes ?? []).map((note) => `\n${noteText(note)}`).join("");
        const title = `${kernel.release}${diagnostic.flag ? ` ${diagnostic.flag}` : ""}`;
        return workflowCommand(diagnostic, title, `${diagnostic.message}${includeChain(diagnostic)}${notes}`);
      }),
    )
    .join("");
}

const MAX_SUMMARY_DIAGNOSTICS = 20;
export const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderStepSummary(kernels: readonly ReportKernel[], title: string): string {
  const rows = kernels.flatMap((kernel) =>
    caseNames(kernel).map((module) => {
      const count = (severity: string) => kernel.diagnostics.filter((diagnostic) => diagnostic.severity === severity).length;
      const outcome = kernel.outcome === "skipped" ? `skipped: ${kernel.reason ?? ""}` : kernel.outcome;
      return (
        `| ${cell(kernel.release)} | ${cell(module)} | ${cell(outcome)} | ${count("warning")} ` +
        `| ${count("error")} | ${(kernel.durationMs / 1000).toFixed(2)} s |`
      );
    }),
  );
  const diagnostics = kernels
    .flatMap((kernel) => kernel.diagnostics.map((diagnostic) => `${kernel.release}: ${diagnosticDetails(diagnostic)}`))
    .slice(0, MAX_SUMMARY_DIAGNOSTICS);
  const table = ["| kernel | module | result | warnings | errors | time |", "| --- | --- | --- | --- | --- | --- |", ...rows].join("\n");
  const details =
    diagnostics.length === 0 ? "" : `\n\n#### First diagnostics\n\n\`\`\`\n${diagnostics.join("\n").replace(/```/g, "'''")}\n\`\`\``;
  return `### ${title}\n\n${table}${details}\n\n`;
}
