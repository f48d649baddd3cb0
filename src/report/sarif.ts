// Pure: SARIF 2.1.0, the format GitHub code scanning reads. One run per checker that ran, its driver
// named after the checker, its rules the rule ids its findings carry; each finding a result with a
// level, a message and, when it names a file, a location relative to the repository root (%SRCROOT%).
// A checker whose run failed says so in its invocation, with what it printed.
import type { ReportDiagnostic } from "./report-input.js";

export interface SarifFinding extends ReportDiagnostic {
  rule: string;
}

export interface SarifRun {
  // The checker's name in kforge ("checkpatch") and what it is ("checkpatch.pl").
  name: string;
  fullName: string;
  informationUri: string;
  findings: readonly SarifFinding[];
  // Each failed run of the tool: what ran, why it failed and its output.
  failures: readonly string[];
}

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

// A repository-relative path as a URI reference: each segment percent-encoded.
const toUri = (path: string) => path.split("/").map(encodeURIComponent).join("/");

export function renderSarif(runs: readonly SarifRun[]): string {
  return `${JSON.stringify({ $schema: SARIF_SCHEMA, version: "2.1.0", runs: runs.map(sarifRun) }, null, 2)}\n`;
}

function sarifRun(run: SarifRun) {
  const rules = [...new Set(run.findings.map((finding) => finding.rule))];
  return {
    tool: { driver: { name: run.name, fullName: run.fullName, informationUri: run.informationUri, rules: rules.map((id) => ({ id })) } },
    invocations: [
      {
        executionSuccessful: run.failures.length === 0,
        toolExecutionNotifications: run.failures.map((text) => ({ level: "error", message: { text } })),
      },
    ],
    results: run.findings.map((finding) => ({
      ruleId: finding.rule,
      ruleIndex: rules.indexOf(finding.rule),
      level: finding.severity,
      message: { text: finding.message },
      locations: finding.file === null ? [] : [location(finding)],
    })),
  };
}

function location(finding: SarifFinding) {
  const region =
    finding.line === null ? undefined : { startLine: finding.line, ...(finding.column === null ? {} : { startColumn: finding.column }) };
  return {
    physicalLocation: {
      artifactLocation: { uri: toUri(finding.file!), uriBaseId: "%SRCROOT%" },
      ...(region ? { region } : {}),
    },
  };
}
