// The checkers `kforge check` runs, and what each needs: one place for their names, the tool each
// starts and the Debian package that provides it.
import { CHECKER_NAMES } from "../config/kforge-json.js";
import type { Diagnostic } from "../kbuild/parse-output.js";

export type CheckerName = (typeof CHECKER_NAMES)[number];

export { CHECKER_NAMES };

export interface CheckerInfo {
  // What the report calls it.
  title: string;
  // The program that must be on PATH; checkpatch.pl and the semantic patches come from a kernel source tree.
  program: string;
  debianPackage: string;
  needsKernelScripts: boolean;
}

export const CHECKER_INFO: Record<CheckerName, CheckerInfo> = {
  checkpatch: { title: "checkpatch.pl", program: "perl", debianPackage: "perl", needsKernelScripts: true },
  sparse: { title: "sparse (C=2)", program: "sparse", debianPackage: "sparse", needsKernelScripts: false },
  w1: { title: "build at W=1", program: "make", debianPackage: "make", needsKernelScripts: false },
  coccinelle: { title: "coccicheck (MODE=report)", program: "spatch", debianPackage: "coccinelle", needsKernelScripts: true },
};

// One finding of one checker, in the build's diagnostic shape plus who found it and under which rule:
// a checkpatch type (SPACING), a warning option (-Wunused-but-set-variable), a semantic patch
// (api/memdup), or for sparse, which has no rule names, its message made into a name.
export interface Finding extends Diagnostic {
  checker: CheckerName;
  rule: string;
}

export const isCheckerName = (name: string): name is CheckerName => (CHECKER_NAMES as readonly string[]).includes(name);
