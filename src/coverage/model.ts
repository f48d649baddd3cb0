// Pure: what kforge reports about coverage, in the shape `--json` prints: per source file its lines
// (with their counts), its functions and its branches, and the totals. Counts come from gcov.

export interface Tally {
  hit: number;
  total: number;
}

export interface LineCount {
  line: number;
  count: number;
  // Each branch on the line: taken this many times (0: never).
  branches?: number[];
}

export interface FunctionCoverage {
  name: string;
  // First line of the function.
  line: number;
  // Times the function was entered.
  calls: number;
  lines: Tally;
  branches: Tally;
}

export interface FileCoverage {
  // Relative to the module dir, as the user's files are named.
  path: string;
  lines: Tally;
  functions: Tally;
  branches: Tally;
  functionList: FunctionCoverage[];
  lineCounts: LineCount[];
}

export interface CoverageTotals {
  lines: Tally;
  functions: Tally;
  branches: Tally;
  // Lines hit of lines total, rounded to one decimal; 0 when no line is instrumented.
  percent: number;
}

export interface CoverageReport {
  release: string;
  // The module dir the paths are relative to.
  dir: string;
  // The counters stop early: a crash killed the code under test before they were copied.
  partial: boolean;
  partialReason?: string;
  totals: CoverageTotals;
  files: FileCoverage[];
  // Report files written, by format.
  reports?: Partial<Record<CoverageFormat, string>>;
}

export const COVERAGE_FORMATS = ["lcov", "cobertura", "html"] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

const add = (left: Tally, right: Tally): Tally => ({ hit: left.hit + right.hit, total: left.total + right.total });
export const EMPTY: Tally = { hit: 0, total: 0 };

export const percentOf = (tally: Tally): number => (tally.total === 0 ? 0 : Math.round((1000 * tally.hit) / tally.total) / 10);

export function sumTotals(files: readonly FileCoverage[]): CoverageTotals {
  const lines = files.reduce((sum, file) => add(sum, file.lines), EMPTY);
  return {
    lines,
    functions: files.reduce((sum, file) => add(sum, file.functions), EMPTY),
    branches: files.reduce((sum, file) => add(sum, file.branches), EMPTY),
    percent: percentOf(lines),
  };
}

// A file's tallies from its line counts and functions.
export function tallyFile(path: string, lineCounts: LineCount[], functionList: FunctionCoverage[]): FileCoverage {
  const branches = lineCounts.flatMap((line) => line.branches ?? []);
  return {
    path,
    lines: { hit: lineCounts.filter((line) => line.count > 0).length, total: lineCounts.length },
    functions: { hit: functionList.filter((item) => item.calls > 0).length, total: functionList.length },
    branches: { hit: branches.filter((count) => count > 0).length, total: branches.length },
    functionList,
    lineCounts,
  };
}

// What a coverage run gives: the report, or why there is none. "not-collected": the guest ended
// (panic, hang, QEMU gone) before its counters were copied; "refused": the counters could not be
// read against the build (rebuilt in between, another GCC), with what to do next.
export type CoverageResult =
  | ({ status: "ok" } & CoverageReport)
  | { status: "not-collected"; release: string; reason: string }
  | { status: "refused"; release: string; reason: string; hint?: string };
