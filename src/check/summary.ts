// Pure but for reading the sources (for columns): the checkers' outcomes made into the run's result,
// with one summary per chosen checker and the verdict: a checker run that failed, or a finding of a
// severity that fails the run, fails it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { KernelTarget } from "../kbuild/build-modules.js";
import type { Availability, MissingChecker } from "./availability.js";
import type { CheckerName, Finding } from "./checkers.js";
import { sortFindings } from "./findings.js";
import type { ProjectFiles } from "./project-files.js";
import type { CheckerFailure, TaskOutcome } from "./run-tool.js";
import { failsRun, type CheckSettings } from "./settings.js";

export interface CheckerSummary {
  name: CheckerName;
  status: "ran" | "failed" | "missing";
  // What it went over: files for checkpatch, objects for sparse and the build, semantic patches for coccinelle.
  checked: number;
  // Of those, the semantic patches spatch was not started for: no project file has their tokens.
  notStarted: number;
  findings: number;
  ignored: number;
  // Where checkpatch.pl or the semantic patches came from.
  origin?: string;
  missing?: MissingChecker;
  failures: CheckerFailure[];
  // What it left out and why (semantic patches that need OCaml).
  skipped: string[];
}

export interface CheckResult {
  release: string;
  kdir: string;
  ok: boolean;
  checkers: CheckerSummary[];
  findings: Finding[];
  // Findings in files outside the module dir (kernel headers): left out.
  outside: number;
  files: string[];
  failOn: CheckSettings["failOn"];
  durationMs: number;
  // The build's log.
  log: string;
}

export interface Outcomes {
  tasks: TaskOutcome[];
  files: ProjectFiles;
  patchCount: number;
  log: string;
}

interface SummaryInput {
  dir: string;
  kernel: KernelTarget;
  settings: CheckSettings;
}

export function summarizeCheck(input: SummaryInput, availability: Availability, outcomes: Outcomes, durationMs: number): CheckResult {
  const lines = new Map<string, string[] | undefined>();
  const readLines = (file: string) => {
    if (!lines.has(file)) lines.set(file, readLinesOf(join(input.dir, file)));
    return lines.get(file);
  };
  const sorted = sortFindings(
    outcomes.tasks.flatMap((outcome) => outcome.findings),
    input.settings.ignore,
    readLines,
  );
  const checked: Record<CheckerName, number> = {
    checkpatch: outcomes.files.sources.length + outcomes.files.headers.length,
    sparse: outcomes.files.compiledObjects.length,
    w1: outcomes.files.compiledObjects.length,
    coccinelle: outcomes.patchCount,
  };
  const origins: Partial<Record<CheckerName, string>> = {
    checkpatch: availability.checkpatch?.origin,
    coccinelle: availability.scripts?.origin,
  };
  const checkers = input.settings.checkers.map((name): CheckerSummary => {
    const own = outcomes.tasks.filter((outcome) => outcome.checker === name);
    const failures = own.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []));
    const missing = availability.missing.find((checker) => checker.name === name);
    return {
      name,
      status: missing ? "missing" : failures.length > 0 ? "failed" : "ran",
      checked: missing ? 0 : checked[name],
      notStarted: own.filter((outcome) => outcome.notStarted).length,
      findings: sorted.findings.filter((finding) => finding.checker === name).length,
      ignored: sorted.ignored[name] ?? 0,
      origin: missing ? undefined : origins[name],
      missing,
      failures,
      skipped: own.flatMap((outcome) => (outcome.skipped ? [outcome.skipped] : [])),
    };
  });
  const failed = checkers.some((checker) => checker.status === "failed") || failsRun(sorted.findings, input.settings.failOn);
  return {
    release: input.kernel.release,
    kdir: input.kernel.kdir,
    ok: !failed,
    checkers,
    findings: sorted.findings,
    outside: sorted.outside,
    files: [...outcomes.files.sources, ...outcomes.files.headers],
    failOn: input.settings.failOn,
    durationMs,
    log: outcomes.log,
  };
}

function readLinesOf(path: string): string[] | undefined {
  try {
    return readFileSync(path, "utf8").split("\n");
  } catch {
    return undefined;
  }
}
