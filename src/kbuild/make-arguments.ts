// Pure: the make argument vector for a kbuild run, and whether kforge should add its own -j.
import { UsageError } from "../errors.js";

// The kbuild knobs a user sets by flag or kforge.json; each maps to one make variable.
export interface KbuildFlags {
  jobs?: number;
  llvm?: boolean;
  arch?: string;
  crossCompile?: string;
  warnings?: number;
  check?: boolean;
  verbose?: boolean;
}

export interface MakeSettingsInput extends KbuildFlags {
  kdir: string;
  // Absolute module dir.
  dir: string;
  target: "modules" | "clean";
  // NAME=value, passed last so they win.
  variables?: readonly string[];
}

// input.jobs is already resolved here: undefined means no -j at all.
export function buildMakeArguments(input: MakeSettingsInput): string[] {
  const argv = ["-C", input.kdir, `M=${input.dir}`];
  if (input.jobs !== undefined) argv.push(`-j${input.jobs}`);
  if (input.llvm) argv.push("LLVM=1");
  if (input.arch) argv.push(`ARCH=${input.arch}`);
  if (input.crossCompile) argv.push(`CROSS_COMPILE=${input.crossCompile}`);
  if (input.warnings !== undefined) argv.push(`W=${input.warnings}`);
  if (input.check) argv.push("C=2");
  if (input.verbose) argv.push("V=1");
  argv.push(...(input.variables ?? []), input.target);
  return argv;
}

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*=/;
// kforge owns these: overriding them would build somewhere else than the dir it reports on.
const RESERVED = new Set(["M", "KBUILD_EXTMOD"]);

// Checks `-- NAME=value` pass-through arguments; anything else would be read by make as a target or flag.
export function validateMakeVariables(variables: readonly string[]): string[] {
  for (const variable of variables) {
    if (!VARIABLE.test(variable)) {
      throw new UsageError(
        `"${variable}" is not a make variable: arguments after -- must look like NAME=value`,
        "use kforge's own flags for make options (-j/--jobs, --verbose), e.g. kforge build -- KCFLAGS=-DDEBUG",
      );
    }
    refuseReserved(variable.slice(0, variable.indexOf("=")), `${variable.slice(0, variable.indexOf("="))}=`);
  }
  return [...variables];
}

// kforge.json make.variables, checked as `-- NAME=value` is: a name make reads as a variable, and
// none of kforge's own.
export function objectToVariables(variables: Record<string, string> | undefined): string[] {
  return Object.entries(variables ?? {}).map(([name, value]) => {
    if (!VARIABLE.test(`${name}=`))
      throw new UsageError(`kforge.json: make.variables: "${name}" is not a make variable name`, "use names like KCFLAGS or CONFIG_FOO");
    refuseReserved(name, `kforge.json make.variables.${name}`);
    return `${name}=${value}`;
  });
}

function refuseReserved(name: string, where: string): void {
  if (RESERVED.has(name))
    throw new UsageError(`${where} is set by kforge from the module dir`, "pass the module dir as kforge build <dir> instead");
}

export interface JobsInput {
  // --jobs or kforge.json make.jobs: the user's explicit choice is always passed.
  requested?: number;
  cpuCount: number;
  // Text of the module's Kbuild and Makefile (kbuild reads them inside the same make).
  makefileTexts: readonly string[];
  // MAKEFLAGS from the environment (an outer make, or the user's shell).
  environmentMakeflags?: string;
}

// The -j to pass, or undefined when a -j already comes from somewhere else: two -j's don't
// combine, the later one wins, so adding ours would silently override the module's choice.
export function resolveJobs(input: JobsInput): number | undefined {
  if (input.requested !== undefined) return input.requested;
  if (hasJobsFlag(input.environmentMakeflags ?? "")) return undefined;
  if (input.makefileTexts.some(setsJobsInMakeflags)) return undefined;
  return Math.max(1, input.cpuCount);
}

function hasJobsFlag(makeflags: string): boolean {
  return /(?:^|\s)(?:-\w*j|--jobs)/.test(makeflags);
}

// `MAKEFLAGS += -j8`, `MAKEFLAGS := --jobs=4 ...`, `export MAKEFLAGS ?= -j$(nproc)`.
export function setsJobsInMakeflags(makefileText: string): boolean {
  const text = makefileText.replace(/\\\n/g, " ");
  return text.split("\n").some((line) => {
    const assignment = /^\s*(?:export\s+|override\s+)*MAKEFLAGS\s*(?:\+|:|::|\?)?=(.*)$/.exec(line.replace(/#.*$/, ""));
    return assignment !== null && hasJobsFlag(assignment[1]!);
  });
}

// The value make sees for NAME among NAME=value arguments: the last one wins.
export function lastVariableValue(variables: readonly string[] | undefined, name: string): string | undefined {
  const found = [...(variables ?? [])].reverse().find((variable) => variable.startsWith(`${name}=`));
  return found?.slice(name.length + 1);
}
