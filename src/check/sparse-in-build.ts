// Pure: sparse inside the W=1 build. kbuild's C=1 runs sparse on each file it compiles, right after the
// compiler, so one make gives both checkers' output; kforge check's tree is made afresh, so every file
// compiles and C=1 checks the same files as `make C=2` over the built objects would, without a second
// make. sparse's own -fdiagnostic-prefix (passed through kbuild's CF, which CHECKFLAGS ends with) tags
// each of its lines, `x.c:15:10: kforge-sparse: warning: ...`, so they are told from the compiler's.
import { parseSparseOutput, type SparseOutput } from "./parse-sparse.js";

const PREFIX = "kforge-sparse";
const TAGGED = new RegExp(`^((?:.+?:\\d+:\\d+: )?)${PREFIX}: `);
const CHECK_STEP = /^ {2}CHECK +(\S+)\.c$/;
const RECIPE_FAILED = /^make(?:\[\d+\])?: \*\*\* \[(?:.*?: )?(\S+)\.o\] Error (\d+)$/;

// A CHECK= of the user's may be any program (smatch, a wrapper) that knows no -fdiagnostic-prefix:
// that one runs as its own `make C=2` pass after the build.
export function canRunInBuild(variables: readonly string[]): boolean {
  return !variables.some((variable) => variable.startsWith("CHECK="));
}

// After the user's variables, so they win; the user's own CF is kept.
export function sparseBuildVariables(variables: readonly string[]): string[] {
  const userFlags = variables
    .filter((variable) => variable.startsWith("CF="))
    .at(-1)
    ?.slice("CF=".length);
  return ["C=1", `CF=${userFlags ? `${userFlags} ` : ""}-fdiagnostic-prefix=${PREFIX}`];
}

export const isSparseLine = (line: string): boolean => TAGGED.test(line);

// What the build printed that concerns sparse: its tagged lines, the CHECK steps, and make's failures.
export const concernsSparse = (line: string): boolean => isSparseLine(line) || CHECK_STEP.test(line) || RECIPE_FAILED.test(line);

export interface SparseInBuild extends SparseOutput {
  // Objects (paths as make printed them, without .o) whose recipe failed after sparse started on their
  // source: the compiler had succeeded (C=1 checks after compiling), so sparse failed.
  failedObjects: { object: string; exitCode: number }[];
}

// lines: those concernsSparse() kept, in order; dir: the tree make ran in.
export function parseSparseInBuild(lines: readonly string[], dir: string): SparseInBuild {
  const checked = new Set<string>();
  const failedObjects: SparseInBuild["failedObjects"] = [];
  const tagged: string[] = [];
  for (const line of lines) {
    const step = CHECK_STEP.exec(line);
    const failed = RECIPE_FAILED.exec(line);
    if (step) checked.add(step[1]!);
    else if (failed && checked.has(failed[1]!)) failedObjects.push({ object: failed[1]!, exitCode: Number(failed[2]) });
    else if (isSparseLine(line)) tagged.push(line.replace(TAGGED, "$1"));
  }
  return { ...parseSparseOutput(tagged.join("\n"), dir), failedObjects };
}
