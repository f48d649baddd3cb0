// Pure parser for `checkpatch.pl --terse --show-types --showfile --no-summary --file <file>`:
// one line per problem, `file:line: ERROR|WARNING|CHECK:TYPE: message`; a problem checkpatch ties
// to no line lacks the `line:` part. Any other line is not a finding. Never throws.
import type { Finding } from "./checkers.js";
import { showControls } from "../text/visible-text.js";

const PROBLEM = /^(.+?):(?:(\d+):)? (ERROR|WARNING|CHECK):([A-Z0-9_]+): (.*)$/;
const SEVERITY = { ERROR: "error", WARNING: "warning", CHECK: "note" } as const;

export function parseCheckpatchOutput(text: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of text.split("\n")) {
    const match = PROBLEM.exec(line.replace(/\r$/, ""));
    if (!match) continue;
    const [, file, lineNumber, level, type, message] = match;
    findings.push({
      severity: SEVERITY[level as keyof typeof SEVERITY],
      file: file!,
      line: lineNumber === undefined ? null : Number(lineNumber),
      column: null,
      message: showControls(message!),
      flag: type!,
      origin: "checkpatch",
      checker: "checkpatch",
      rule: type!,
    });
  }
  return findings;
}
