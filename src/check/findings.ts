// Pure: the checkers' raw findings made into the report's. Paths are relative to the module dir (the
// check tree mirrors it file for file); a finding in a file outside it (a kernel header) is not the
// project's and is only counted; display columns become character columns; ignored rules go; the same
// finding twice (a warning in a header two sources include) is kept once; the order is by file and line.
import { isAbsolute } from "node:path";
import type { CheckerName, Finding } from "./checkers.js";
import { isIgnored, type CheckSettings } from "./settings.js";
import { characterColumn } from "./text.js";

export interface SortedFindings {
  findings: Finding[];
  ignored: Partial<Record<CheckerName, number>>;
  outside: number;
}

// file -> its lines, for the column conversion.
export type ReadLines = (file: string) => string[] | undefined;

const DISPLAY_COLUMNS: readonly CheckerName[] = ["w1", "sparse"];

export function sortFindings(raw: readonly Finding[], ignore: CheckSettings["ignore"], readLines: ReadLines): SortedFindings {
  const ignored: Partial<Record<CheckerName, number>> = {};
  const seen = new Set<string>();
  const findings: Finding[] = [];
  let outside = 0;
  for (const finding of raw) {
    if (finding.file !== null && (isAbsolute(finding.file) || finding.file.startsWith("../"))) {
      outside += 1;
      continue;
    }
    if (isIgnored(finding, ignore)) {
      ignored[finding.checker] = (ignored[finding.checker] ?? 0) + 1;
      continue;
    }
    const key = JSON.stringify([finding.checker, finding.file, finding.line, finding.column, finding.message]);
    if (seen.has(key)) continue;
    seen.add(key);
    findings.push(withCharacterColumn(finding, readLines));
  }
  return { findings: findings.sort(compareFindings), ignored, outside };
}

function withCharacterColumn(finding: Finding, readLines: ReadLines): Finding {
  if (!DISPLAY_COLUMNS.includes(finding.checker) || finding.file === null || finding.line === null || finding.column === null)
    return finding;
  const line = readLines(finding.file)?.[finding.line - 1];
  return line === undefined ? finding : { ...finding, column: characterColumn(line, finding.column) };
}

function compareFindings(left: Finding, right: Finding): number {
  return (
    (left.file ?? "").localeCompare(right.file ?? "") ||
    (left.line ?? 0) - (right.line ?? 0) ||
    (left.column ?? 0) - (right.column ?? 0) ||
    left.checker.localeCompare(right.checker)
  );
}
