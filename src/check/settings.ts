// Pure: kforge check's settings from its flags over kforge.json's `check` section over the defaults,
// and the two judgements made from them: whether a finding is ignored, and whether findings fail the run.
import { resolve } from "node:path";
import type { CheckConfig } from "../config/kforge-json.js";
import { suggestKey } from "../config/kforge-json.js";
import { UsageError } from "../errors.js";
import type { Severity } from "../kbuild/parse-output.js";
import { CHECKER_NAMES, isCheckerName, type CheckerName, type Finding } from "./checkers.js";

export interface CheckFlags {
  checker?: string[];
  failOn?: string;
  timeout?: number;
  source?: string;
}

export interface CheckSettings {
  checkers: CheckerName[];
  // Named by --checker or kforge.json check.checkers: a missing one is then an error, not a notice.
  explicit: boolean;
  ignore: NonNullable<CheckConfig["ignore"]>;
  failOn: Severity[];
  timeoutMs: number;
  source?: string;
  // Only these semantic patches ("api/memdup" or "memdup"); undefined: all.
  semanticPatches?: string[];
}

const DEFAULT_TIMEOUT_SECONDS = 300;
const DEFAULT_FAIL_ON: Severity[] = ["error"];

// places: --source is relative to the current dir, kforge.json's check.source to the module dir.
export function resolveCheckSettings(flags: CheckFlags, config: CheckConfig = {}, places = { cwd: ".", dir: "." }): CheckSettings {
  const named = flags.checker ?? config.checkers;
  return {
    checkers: named === undefined ? [...CHECKER_NAMES] : [...new Set(named.map(checkerName))],
    explicit: named !== undefined,
    ignore: config.ignore ?? {},
    failOn: flags.failOn === undefined ? ((config.failOn as Severity[] | undefined) ?? DEFAULT_FAIL_ON) : parseFailOn(flags.failOn),
    timeoutMs: (flags.timeout ?? config.timeout ?? DEFAULT_TIMEOUT_SECONDS) * 1000,
    source:
      flags.source !== undefined
        ? resolve(places.cwd, flags.source)
        : config.source !== undefined
          ? resolve(places.dir, config.source)
          : undefined,
    semanticPatches: config.semanticPatches,
  };
}

function checkerName(name: string): CheckerName {
  if (isCheckerName(name)) return name;
  const suggestion = suggestKey(name, [...CHECKER_NAMES]);
  throw new UsageError(
    `unknown checker "${name}"`,
    `${suggestion ? `did you mean ${suggestion}? ` : ""}the checkers are ${CHECKER_NAMES.join(", ")}`,
  );
}

// "error,warning", or "none" for a run that reports and never fails.
export function parseFailOn(text: string): Severity[] {
  if (text.trim() === "none") return [];
  const levels = text.split(",").map((level) => level.trim());
  const unknown = levels.filter((level) => !["error", "warning", "note"].includes(level));
  if (unknown.length > 0 || levels.length === 0)
    throw new UsageError(
      `--fail-on takes severities separated by commas (error, warning, note) or none, got "${text}"`,
      "e.g. --fail-on error,warning",
    );
  return levels as Severity[];
}

// checkpatch: its types; sparse: text found in the message; w1: the warning option, with or without
// -W; coccinelle: the semantic patch, as api/memdup or memdup. Case does not matter.
export function isIgnored(finding: Finding, ignore: CheckSettings["ignore"]): boolean {
  const entries = (ignore[finding.checker] ?? []).map((entry) => entry.toLowerCase());
  const rule = finding.rule.toLowerCase();
  switch (finding.checker) {
    case "sparse":
      return entries.some((entry) => finding.message.toLowerCase().includes(entry));
    case "w1":
      return entries.some((entry) => rule === entry || rule === `-w${entry}`);
    case "coccinelle":
      return entries.some((entry) => rule === entry || rule.endsWith(`/${entry}`));
    default:
      return entries.includes(rule);
  }
}

export const failsRun = (findings: readonly Finding[], failOn: readonly Severity[]): boolean =>
  findings.some((finding) => failOn.includes(finding.severity));
