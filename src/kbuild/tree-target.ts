// What a build tree says about the target: the compiler it calls, its architecture, and whether its
// kbuild helpers run on this machine. (The ARCH= and CROSS_COMPILE= it implies are the project's decision.)
import { EnvironmentError } from "../errors.js";
import type { Architecture } from "../kernel/architecture.js";
import { readTreeCompiler } from "../kernel/compiler.js";
import { foreignHelper, readHelperMachines } from "../kernel/kbuild-helpers.js";
import { readTreeArch } from "../kernel/tree-arch.js";

// The compiler the tree calls after CROSS_COMPILE ("gcc-12" in Debian's trees), and the tree's
// architecture when it is another one than this machine's: what a cross compiler's error names.
export async function readTreeToolchain(kdir: string): Promise<{ compiler: string; foreign: Architecture | undefined }> {
  return { compiler: await readTreeCompiler(kdir), foreign: (await readTreeArch(kdir)).foreign };
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
