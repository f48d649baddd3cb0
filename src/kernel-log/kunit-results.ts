// Pure: KUnit's reading of parsed KTAP: top-level tests are suites, their subtests are test cases,
// and a case's subtests are its parameters. A case with no result line crashed (or hung) the run.
import { parseKtap, type KtapTest } from "./ktap.js";

export type KunitStatus = "passed" | "failed" | "skipped" | "crashed";

export interface KunitCase {
  name: string;
  status: KunitStatus;
  // The skip reason, or the first line that says why the case failed.
  reason?: string;
  diagnostics: string[];
  crash?: string;
  parameters: { name: string; status: KunitStatus; reason?: string }[];
}

export interface KunitSuite {
  name: string;
  // From KUnit's "# module: <name>" line (Linux 6.3 and later).
  module?: string;
  status: KunitStatus;
  cases: KunitCase[];
  planned?: number;
  // Planned cases that never printed anything: the run ended first.
  notRun: number;
}

export interface KunitTotals {
  suites: number;
  cases: number;
  passed: number;
  failed: number;
  skipped: number;
  crashed: number;
  notRun: number;
}

function statusOf(test: KtapTest): KunitStatus {
  if (test.result === "missing") return "crashed";
  if (test.directive?.kind === "SKIP") return "skipped";
  return test.result === "ok" ? "passed" : "failed";
}

// KUnit's own per-suite and per-case tallies ("name: pass:1 fail:0 ...") say nothing new.
const isTally = (line: string) => /^(?:[\w.]+: )?pass:\d+ fail:\d+ skip:\d+ total:\d+$/.test(line) || /^Totals: /.test(line);

function reasonOf(test: KtapTest, status: KunitStatus, diagnostics: string[]): string | undefined {
  if (status === "skipped") return test.directive?.reason || undefined;
  if (status === "crashed") return test.crash ? `the kernel crashed: ${test.crash}` : "no result: the run ended during this case";
  if (status !== "failed") return undefined;
  const failure = diagnostics.find((line) => /EXPECTATION FAILED|ASSERTION FAILED|try faulted|try timed out/.test(line));
  const failedParameter = test.subtests.find((parameter) => statusOf(parameter) === "failed");
  const line = failure ?? (failedParameter ? `parameter "${failedParameter.name}" failed` : diagnostics[0]);
  // KUnit prefixes a case's messages with its name, which the reason sits next to already.
  return line?.startsWith(`${test.name}: `) ? line.slice(test.name.length + 2) : line;
}

function toCase(test: KtapTest): KunitCase {
  const status = statusOf(test);
  const diagnostics = test.diagnostics.filter((line) => !isTally(line));
  const reason = reasonOf(test, status, diagnostics);
  return {
    name: test.name,
    status,
    ...(reason ? { reason } : {}),
    diagnostics,
    ...(test.crash ? { crash: test.crash } : {}),
    parameters: test.subtests.map((parameter) => {
      const parameterStatus = statusOf(parameter);
      const parameterReason = reasonOf(parameter, parameterStatus, parameter.diagnostics);
      return { name: parameter.name, status: parameterStatus, ...(parameterReason ? { reason: parameterReason } : {}) };
    }),
  };
}

export function toKunitSuite(test: KtapTest): KunitSuite {
  const module = test.header.map((line) => /^module: (\S+)$/.exec(line)?.[1]).find(Boolean);
  const cases = test.subtests.map(toCase);
  return {
    name: test.name,
    ...(module ? { module } : {}),
    status: statusOf(test),
    cases,
    ...(test.planned !== undefined ? { planned: test.planned } : {}),
    notRun: Math.max(0, (test.planned ?? cases.length) - cases.length),
  };
}

// Every suite found in kernel log lines, in the order they ran.
export function parseKunitSuites(lines: readonly string[]): KunitSuite[] {
  return parseKtap(lines).flatMap((document) => document.tests.map(toKunitSuite));
}

export function countKunit(suites: readonly KunitSuite[]): KunitTotals {
  const cases = suites.flatMap((suite) => suite.cases);
  const count = (status: KunitStatus) => cases.filter((item) => item.status === status).length;
  return {
    suites: suites.length,
    cases: cases.length,
    passed: count("passed"),
    failed: count("failed"),
    skipped: count("skipped"),
    crashed: count("crashed"),
    notRun: suites.reduce((sum, suite) => sum + suite.notRun, 0),
  };
}
