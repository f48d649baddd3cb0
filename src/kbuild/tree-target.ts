// What a build tree says about the target: its architecture (and so ARCH= and CROSS_COMPILE= for a tree
// of another one), the compiler it calls, and whether its kbuild helpers run on this machine.
import { EnvironmentError } from "../errors.js";
import { hostArchitecture } from "../kernel/architecture.js";
import { readTreeCompiler } from "../kernel/compiler.js";
import { foreignHelper, readHelperMachines } from "../kernel/kbuild-helpers.js";
import { readTreeArch } from "../kernel/tree-arch.js";
import type { KbuildFlags } from "./make-arguments.js";
import { resolveCrossTarget, type CrossTarget } from "./target-arch.js";

export interface TreeTarget extends CrossTarget {
  // The compiler command after CROSS_COMPILE ("gcc-12" in Debian's trees).
  compiler: string;
}

export async function resolveTreeTarget(
  kdir: string,
  release: string,
  flags: Pick<KbuildFlags, "arch" | "crossCompile"> & { variables?: readonly string[] },
  llvm: boolean,
): Promise<TreeTarget> {
  const target = resolveCrossTarget({
    configured: (await readTreeArch(kdir)).arch,
    host: hostArchitecture(),
    release,
    arch: flags.arch,
    crossCompile: flags.crossCompile,
    variables: flags.variables,
    llvm,
  });
  return { ...target, compiler: await readTreeCompiler(kdir) };
}

// Refuses a tree whose kbuild helpers are programs for another machine: make would stop at the first one.
export async function assertHostHelpers(kdir: string, release: string): Promise<void> {
  const problem = foreignHelper(await readHelperMachines(kdir));
  if (!problem) return;
  throw new EnvironmentError(
    `the build tree ${kdir} cannot be used on this machine: ${problem}`,
    `\`kforge kernel fetch ${release}\` makes a copy of a Debian tree with this machine's kbuild helpers; ` +
      "for another tree, point its scripts at a linux-kbuild of the same version built for this machine",
  );
}
