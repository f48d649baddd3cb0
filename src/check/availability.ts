// Which of the chosen checkers can run here, decided before anything runs: the programs on PATH and
// the kernel scripts (found, else fetched). A missing checker is a notice naming the Debian package
// that provides it; when the checkers were named explicitly it is an error (exit 2) instead.
import { EnvironmentError } from "../errors.js";
import { lastVariableValue } from "../kbuild/make-arguments.js";
import { run, which } from "../process/exec.js";
import { CHECKER_INFO, type CheckerName } from "./checkers.js";
import { checkpatchFromScripts, type CheckpatchCommand } from "./checkpatch.js";
import { fetchKernelScripts, findKernelScripts, sourcePackageFor, type KernelScripts, type ScriptsRequest } from "./kernel-scripts.js";
import { meetsVersion, parseSpatchVersion } from "./parse-coccinelle.js";

export interface MissingChecker {
  name: CheckerName;
  // "spatch is not installed".
  reason: string;
  debianPackage: string;
}

export interface Availability {
  runnable: CheckerName[];
  missing: MissingChecker[];
  checkpatch?: CheckpatchCommand;
  scripts?: KernelScripts;
  // spatch's version, the python3 it would start (resolved once, see spatchPython), and whether OCaml rules can run.
  spatch: { version?: string; python?: string; hasOcaml: boolean };
}

export interface AvailabilityRequest extends ScriptsRequest {
  checkers: readonly CheckerName[];
  explicit: boolean;
  variables: readonly string[];
}

export async function resolveAvailability(request: AvailabilityRequest): Promise<Availability> {
  const missing: MissingChecker[] = [];
  const wanted = new Set<CheckerName>();
  for (const name of request.checkers) {
    // sparse is whatever CHECK= names, as kbuild runs it.
    const program = name === "sparse" ? (lastVariableValue(request.variables, "CHECK") ?? "sparse") : CHECKER_INFO[name].program;
    if (await which(program)) wanted.add(name);
    else missing.push({ name, reason: `${program} is not installed`, debianPackage: CHECKER_INFO[name].debianPackage });
  }
  // Before any download of the kernel's scripts: a checker asked for and missing ends the run anyway.
  if (request.explicit && missing.length > 0) throw missingError(missing);
  const scripts = await locateScripts(request, wanted, missing);
  const spatchVersion = wanted.has("coccinelle") ? parseSpatchVersion((await run("spatch", ["--version"])).stdout) : undefined;
  const checkpatchOnPath = await which("checkpatch.pl");
  const availability: Availability = {
    runnable: request.checkers.filter((name) => wanted.has(name)),
    missing,
    checkpatch: !wanted.has("checkpatch")
      ? undefined
      : scripts
        ? checkpatchFromScripts(scripts)
        : { program: checkpatchOnPath!, leading: [], origin: `${checkpatchOnPath} (on PATH)` },
    scripts,
    spatch: {
      version: spatchVersion,
      python: spatchVersion && meetsVersion(spatchVersion, "1.1.0") ? await spatchPython() : undefined,
      hasOcaml: Boolean((await which("ocamlopt")) ?? (await which("ocamlopt.opt"))),
    },
  };
  if (request.explicit && missing.length > 0) throw missingError(missing);
  return availability;
}

// The kernel scripts for checkpatch and coccinelle; a checker that needs them and gets none is missing.
async function locateScripts(request: ScriptsRequest, wanted: Set<CheckerName>, missing: MissingChecker[]) {
  const needing = [...wanted].filter((name) => CHECKER_INFO[name].needsKernelScripts);
  if (needing.length === 0) return undefined;
  const found = await findKernelScripts(request);
  if (found) return found;
  // checkpatch.pl on PATH is enough when coccinelle does not need the tree too.
  const onlyCheckpatch = needing.length === 1 && needing[0] === "checkpatch";
  if (onlyCheckpatch && (await which("checkpatch.pl"))) return undefined;
  const fetched = await fetchKernelScripts(request);
  if ("dir" in fetched) return fetched;
  for (const name of needing) {
    if (name === "checkpatch" && (await which("checkpatch.pl"))) continue;
    wanted.delete(name);
    const what = name === "checkpatch" ? "checkpatch.pl" : "scripts/coccinelle/";
    missing.push({
      name,
      reason: `no kernel source with ${what} was found, and fetching one failed: ${fetched.problem}`,
      debianPackage: sourcePackageFor(request.release),
    });
  }
  return undefined;
}

// spatch looks python3 up on PATH at every start; behind a version manager's shim (pyenv, conda) that
// costs over a second each time, once per semantic patch. The interpreter the shim starts is the same
// every time: resolved here once and given to each spatch with --python (spatch 1.1 and later).
async function spatchPython(): Promise<string | undefined> {
  const result = await run("python3", ["-c", "import sys; print(sys.executable)"]);
  const path = result.stdout.trim();
  return !result.failed && path.startsWith("/") ? path : undefined;
}

function missingError(missing: readonly MissingChecker[]): EnvironmentError {
  const what = missing.map((checker) => `${checker.name} (${checker.reason})`).join(", ");
  const packages = [...new Set(missing.map((checker) => checker.debianPackage))].join(" ");
  return new EnvironmentError(
    `${missing.length === 1 ? "a checker that was asked for cannot run" : "checkers that were asked for cannot run"}: ${what}`,
    `apt-get install ${packages}, or leave ${missing.map((checker) => checker.name).join(", ")} ` +
      `out of --checker and kforge.json check.checkers`,
  );
}
