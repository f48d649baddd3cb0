// Pure: which architecture a build is for, and the ARCH= and CROSS_COMPILE= that follow from the tree.
// Debian's headers pin ARCH (`override ARCH = x86` in .kernelvariables), so a requested ARCH= that
// contradicts the tree would otherwise build a module for the tree's architecture and report success.
import { UsageError } from "../errors.js";
import { architectureNamed, archMatches, type Architecture } from "../kernel/architecture.js";
import { lastVariableValue } from "./make-arguments.js";

// The ARCH= make will see: a pass-through variable comes after --arch on make's command line and wins.
export function requestedArch(arch: string | undefined, variables: readonly string[] | undefined): string | undefined {
  const passed = lastVariableValue(variables, "ARCH");
  return passed === undefined ? arch || undefined : passed || undefined;
}

export interface CrossTargetInput {
  // The tree's architecture (archFromConfig), undefined when its config cannot be read.
  configured: string | undefined;
  host: Architecture | undefined;
  release: string;
  arch?: string;
  crossCompile?: string;
  variables?: readonly string[];
  llvm: boolean;
}

export interface CrossTarget {
  arch: string | undefined;
  crossCompile: string | undefined;
  // Set when the tree is for another architecture than this machine's.
  foreign: Architecture | undefined;
}

// A tree for another architecture brings its own ARCH= and, for GCC, the Debian cross compiler's prefix;
// what the user set (flag, kforge.json or `-- NAME=value`) is kept. clang (LLVM=1) needs no prefix.
export function resolveCrossTarget(input: CrossTargetInput): CrossTarget {
  const given = { arch: input.arch, crossCompile: input.crossCompile, foreign: undefined };
  if (input.configured === undefined || input.host === undefined || archMatches(input.host.name, input.configured)) return given;
  const foreign = architectureNamed(input.configured);
  const passedPrefix = lastVariableValue(input.variables, "CROSS_COMPILE") !== undefined || input.crossCompile !== undefined;
  if (!foreign) {
    if (passedPrefix || input.llvm) return given;
    throw new UsageError(
      `kernel ${input.release} is for ${input.configured}, and kforge does not know a cross compiler for it`,
      `pass one with --cross-compile <prefix> (e.g. ${input.configured}-linux-gnu-), ` +
        "or build with --llvm if the kernel was built with clang",
    );
  }
  const passedArch = lastVariableValue(input.variables, "ARCH") !== undefined;
  return {
    arch: input.arch ?? (passedArch ? undefined : foreign.make),
    crossCompile: input.crossCompile ?? (passedPrefix || input.llvm ? undefined : `${foreign.gnuType}-`),
    foreign,
  };
}
