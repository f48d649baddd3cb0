// coccicheck (MODE=report) over the files the project builds. scripts/coccicheck runs every semantic
// patch under scripts/coccinelle/ in turn, `spatch -D report --no-show-diff --very-quiet --cocci-file
// <patch> <its Options:> <the kernel's include flags> --dir <dir>`, and stops at the first one that
// fails. kforge runs the same spatch command per semantic patch, several at once, over the project's
// own files instead of every .c under the dir; a patch that fails is reported and the others still run.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { isAccessible } from "../fs/files.js";
import type { KernelScripts } from "./kernel-scripts.js";
import { meetsVersion, parseCoccinelleReport, parseSemanticPatchHeader, type SemanticPatchHeader } from "./parse-coccinelle.js";
import { describeFailure, runTool, type RunLimits, type TaskOutcome } from "./run-tool.js";

export interface SemanticPatch {
  path: string;
  // Its path under scripts/coccinelle/ without .cocci: "api/memdup".
  rule: string;
  header: SemanticPatchHeader;
}

export async function listSemanticPatches(scripts: KernelScripts): Promise<SemanticPatch[]> {
  const root = join(scripts.dir, "scripts", "coccinelle");
  const entries = await readdir(root, { recursive: true }).catch(() => [] as string[]);
  const paths = entries.filter((entry) => entry.endsWith(".cocci")).sort();
  return Promise.all(
    paths.map(async (entry) => {
      const path = join(root, entry);
      return { path, rule: relative(root, path).replace(/\.cocci$/, ""), header: parseSemanticPatchHeader(await readFile(path, "utf8")) };
    }),
  );
}

export interface PatchPlan {
  run: SemanticPatch[];
  // Why the others are not run, one line per reason, as coccicheck would say it.
  skipped: string[];
}

// Pure: coccicheck skips a patch that needs a newer spatch; kforge also skips those with OCaml rules
// when no OCaml compiler is installed (spatch then fails on them, and coccicheck with them).
export function planSemanticPatches(patches: readonly SemanticPatch[], spatchVersion: string | undefined, hasOcaml: boolean): PatchPlan {
  const tooNew = patches.filter((patch) => patch.header.requires && spatchVersion && !meetsVersion(spatchVersion, patch.header.requires));
  const ocaml = patches.filter((patch) => !tooNew.includes(patch) && patch.header.needsOcaml && !hasOcaml);
  const skipped = [
    ...(tooNew.length > 0 ? [`${tooNew.map((patch) => patch.rule).join(", ")}: need a newer spatch than ${spatchVersion}`] : []),
    ...(ocaml.length > 0
      ? [`${ocaml.map((patch) => patch.rule).join(", ")}: have OCaml rules and no OCaml compiler is installed (apt-get install ocaml)`]
      : []),
  ];
  return { run: patches.filter((patch) => !tooNew.includes(patch) && !ocaml.includes(patch)), skipped };
}

// The include flags coccicheck passes (LINUXINCLUDE of the source tree, `-I dir` spelled apart as spatch
// wants); the forced includes only when present, since spatch stops on a missing one.
export async function includeArguments(sourceDir: string, srcarch: string): Promise<string[]> {
  const dirs = [
    `arch/${srcarch}/include`,
    `arch/${srcarch}/include/generated`,
    "include",
    `arch/${srcarch}/include/uapi`,
    `arch/${srcarch}/include/generated/uapi`,
    "include/uapi",
    "include/generated/uapi",
  ];
  const forced = ["include/linux/compiler-version.h", "include/linux/kconfig.h"];
  const present = await Promise.all(forced.map((file) => isAccessible(join(sourceDir, file))));
  return [
    ...dirs.flatMap((dir) => ["-I", join(sourceDir, dir)]),
    ...forced.filter((_, index) => present[index]).flatMap((file) => ["--include", join(sourceDir, file)]),
  ];
}

export interface SpatchInput {
  includes: readonly string[];
  sources: readonly string[];
  headers: readonly string[];
  python?: string;
}

// Pure: the spatch command line for one patch; headers go with the sources when the patch's Options ask.
export function spatchArguments(patch: SemanticPatch, input: SpatchInput): string[] {
  const files = patch.header.options.includes("--include-headers") ? [...input.sources, ...input.headers] : [...input.sources];
  const python = input.python ? ["--python", input.python] : [];
  return [
    ...python,
    "-D",
    "report",
    "--no-show-diff",
    "--very-quiet",
    "--cocci-file",
    patch.path,
    ...patch.header.options,
    ...input.includes,
    ...files,
  ];
}

export async function runSemanticPatch(
  patch: SemanticPatch,
  args: readonly string[],
  dir: string,
  limits: RunLimits,
): Promise<TaskOutcome> {
  const run = await runTool("spatch", args, dir, limits);
  const failure = describeFailure("coccinelle", `spatch ${patch.rule}`, run, limits);
  return { checker: "coccinelle", findings: failure ? [] : parseCoccinelleReport(run.result.stdout, patch.rule), failure };
}
