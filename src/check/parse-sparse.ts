// Pure parser for what kbuild prints when it runs sparse (C=2) over objects already built: `CHECK`
// step lines, then sparse's `file:line:col: warning|error: message`, each possibly followed by detail
// lines at the same position (`file:line:col:    expected ...`, `...:    got ...`), which join the
// message. Lines that are neither, apart from make's own chatter, are kept: when sparse fails they
// are what it said. Never throws.
import { isAbsolute, relative } from "node:path";
import type { Finding } from "./checkers.js";
import { showControls } from "../text/visible-text.js";
import { ruleFromMessage } from "./text.js";

const PROBLEM = /^(.+?):(\d+):(\d+): (warning|error): (.*)$/;
const DETAIL = /^(.+?):(\d+):(\d+): {2,}(\S.*)$/;
const MAKE_CHATTER = /^(?: {2}[A-Z][A-Z0-9_]*(?: \[M\])? +\S|make(?:\[\d+\])?: (?:Entering|Leaving) directory)/;

export interface SparseOutput {
  findings: Finding[];
  // Everything else sparse or make said, for the error when sparse fails.
  otherLines: string[];
}

// dir: the tree make ran in; paths inside it become relative, others stay absolute.
export function parseSparseOutput(text: string, dir: string): SparseOutput {
  const findings: Finding[] = [];
  const otherLines: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    const problem = PROBLEM.exec(line);
    const detail = DETAIL.exec(line);
    const last = findings.at(-1);
    if (problem) {
      const message = showControls(problem[5]!);
      findings.push({
        severity: problem[4] === "error" ? "error" : "warning",
        file: relativeTo(dir, problem[1]!),
        line: Number(problem[2]),
        column: Number(problem[3]),
        message,
        flag: null,
        origin: "sparse",
        checker: "sparse",
        rule: ruleFromMessage(message),
      });
    } else if (detail && last && last.line === Number(detail[2]) && last.file === relativeTo(dir, detail[1]!)) {
      last.message += `; ${showControls(detail[4]!.trim())}`;
    } else if (line.trim() !== "" && !MAKE_CHATTER.test(line)) {
      otherLines.push(showControls(line));
    }
  }
  return { findings, otherLines };
}

function relativeTo(dir: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(dir, path);
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}
