// Pure parsers for coccinelle: the header lines of a semantic patch under scripts/coccinelle/ that
// scripts/coccicheck reads (`// Options:` for spatch, `// Requires:` a minimum spatch version), and
// spatch's report mode output, `file:line:column-endcolumn: message` with 0-based columns. A message
// that starts with ERROR is an error, any other a warning (most say WARNING, some nothing).
import type { Finding } from "./checkers.js";
import { showControls } from "../text/visible-text.js";

export interface SemanticPatchHeader {
  options: string[];
  requires: string | undefined;
  // OCaml script rules need an OCaml compiler at run time (`ocamlopt`).
  needsOcaml: boolean;
}

export function parseSemanticPatchHeader(text: string): SemanticPatchHeader {
  // coccicheck greps the first "Options:" and "Requires:" anywhere in the file and cuts at the next colon.
  const options = /Options:([^:\n]*)/.exec(text)?.[1] ?? "";
  const requires = /Requires:([^:\n]*)/.exec(text)?.[1]?.replace(/\s/g, "");
  return {
    options: options.split(/\s+/).filter((word) => word !== ""),
    requires: requires || undefined,
    needsOcaml: /^@[^@\n]*\b(?:script|initialize|finalize)\s*:\s*ocaml\b/m.test(text),
  };
}

// "1.1.1" from `spatch --version`'s first line, "spatch version 1.1.1 compiled with OCaml ...".
export function parseSpatchVersion(text: string): string | undefined {
  return /^spatch version (\S+)/m.exec(text)?.[1];
}

// coccicheck's `sort -CV`: whether the installed version is at least the required one.
export function meetsVersion(installed: string, required: string): boolean {
  const parts = (version: string) => version.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0);
  const have = parts(installed);
  const need = parts(required);
  for (let index = 0; index < Math.max(have.length, need.length); index++) {
    const difference = (have[index] ?? 0) - (need[index] ?? 0);
    if (difference !== 0) return difference > 0;
  }
  return true;
}

const REPORT = /^(.+?):(\d+):(\d+)-(\d+): (.*)$/;

// rule: the semantic patch's path under scripts/coccinelle/ without .cocci, e.g. "api/memdup".
export function parseCoccinelleReport(text: string, rule: string): Finding[] {
  const findings: Finding[] = [];
  for (const line of text.split("\n")) {
    const match = REPORT.exec(line.replace(/\r$/, ""));
    if (!match) continue;
    const [, file, lineNumber, column, , rawMessage] = match;
    const severity = /^ERROR\b/.test(rawMessage!) ? "error" : "warning";
    findings.push({
      severity,
      file: file!,
      line: Number(lineNumber),
      column: Number(column) + 1,
      message: showControls(rawMessage!.replace(/^(?:ERROR|WARNING)\b:?\s*/, "")),
      flag: rule,
      origin: "coccinelle",
      checker: "coccinelle",
      rule,
    });
  }
  return findings;
}
