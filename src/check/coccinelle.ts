// coccicheck (MODE=report) over the files the project builds. scripts/coccicheck runs every semantic
// patch under scripts/coccinelle/ in turn, `spatch -D report --no-show-diff --very-quiet --cocci-file
// <patch> <its Options:> <the kernel's include flags> --dir <dir>`, and stops at the first one that
// fails. kforge runs the same spatch command per semantic patch, several at once, over the project's
// own files instead of every .c under the dir; a patch that fails is reported and the others still run.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import type { KernelScripts } from "./kernel-scripts.js";
import type { SourceFiles } from "./project-files.js";
import { mayMatch } from "./grep-query.js";
import { meetsVersion, parseCoccinelleReport, parseSemanticPatchHeader, type SemanticPatchHeader } from "./parse-coccinelle.js";
import { grepQueryOf } from "./patch-query.js";
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

// Pure: `chosen` (kforge.json check.semanticPatches, like coccicheck's COCCI=) narrows the patches, an
// unknown name being a usage error; coccicheck skips a patch that needs a newer spatch; kforge also
// skips those with OCaml rules when no OCaml compiler is installed (spatch fails on them, and coccicheck with them).
export function planSemanticPatches(
  all: readonly SemanticPatch[],
  spatchVersion: string | undefined,
  hasOcaml: boolean,
  chosen?: readonly string[],
): PatchPlan {
  const patches = chosen === undefined ? all : chosen.map((name) => findPatch(all, name));
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

function findPatch(patches: readonly SemanticPatch[], name: string): SemanticPatch {
  const rule = name.replace(/^(?:scripts\/coccinelle\/)?(.*?)(?:\.cocci)?$/, "$1");
  const found = patches.find((patch) => patch.rule === rule) ?? patches.find((patch) => patch.rule.endsWith(`/${rule}`));
  if (found) return found;
  throw new UsageError(
    `kforge.json: check.semanticPatches names "${name}", which is not under scripts/coccinelle/`,
    "name them as the kernel's scripts/coccinelle/ does, e.g. api/memdup or memdup",
  );
}

// The include flags coccicheck passes (LINUXINCLUDE of the source tree, `-I dir` spelled apart as spatch
// wants); the forced includes only when present, since spatch stops on a missing one.
async function includeArguments(sourceDir: string, srcarch: string): Promise<string[]> {
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

export interface CoccinellePlan extends PatchPlan {
  includes: string[];
  python?: string;
  spatchVersion?: string;
}

// Decided before the build, so a wrong check.semanticPatches name stops the run before it starts.
export async function planCoccinelle(
  scripts: KernelScripts,
  spatch: { version?: string; python?: string; hasOcaml: boolean },
  chosen: readonly string[] | undefined,
  kdir: string,
): Promise<CoccinellePlan> {
  const plan = planSemanticPatches(await listSemanticPatches(scripts), spatch.version, spatch.hasOcaml, chosen);
  const includes = await includeArguments(scripts.dir, await sourceArch(kdir));
  return { ...plan, includes, python: spatch.python, spatchVersion: spatch.version };
}

// The kernel's SRCARCH for the include paths: x86 for both x86 flavours, else the config's architecture.
async function sourceArch(kdir: string): Promise<string> {
  const config = await readKernelConfig(kdir);
  if (config?.get("CONFIG_ARM64") === "y") return "arm64";
  return config?.get("CONFIG_ARM") === "y" ? "arm" : "x86";
}

// One task per semantic patch that has files to go over: the C sources, and the headers for the
// patches whose Options include them. A patch whose grep query no project file meets is not started.
export function coccinelleTasks(
  plan: CoccinellePlan,
  files: SourceFiles,
  dir: string,
  limits: RunLimits,
  env: NodeJS.ProcessEnv,
): (() => Promise<TaskOutcome>)[] {
  const sources = files.sources.filter((file) => file.endsWith(".c"));
  const input = { includes: plan.includes, sources, headers: files.headers, python: plan.python };
  let projectText: Promise<string> | undefined;
  const readProjectText = () => (projectText ??= readTexts(dir, [...files.sources, ...files.headers]));
  const spatch = { version: plan.spatchVersion, python: plan.python };
  return plan.run
    .filter((patch) => sources.length > 0 || (files.headers.length > 0 && patch.header.options.includes("--include-headers")))
    .map((patch) => async () => {
      const query = await grepQueryOf(patch.path, spatch, env, limits);
      if (query && !mayMatch(query, await readProjectText())) return { checker: "coccinelle", findings: [], notStarted: true };
      return runSemanticPatch(patch, spatchArguments(patch, input), dir, limits);
    });
}

// All the files' text as one: a token anywhere in the project may make a patch match (a header's macro
// used in a source). An unreadable file counts as empty: spatch will say what is wrong with it.
async function readTexts(dir: string, files: readonly string[]): Promise<string> {
  const texts = await Promise.all(files.map((file) => readFile(join(dir, file), "utf8").catch(() => "")));
  return texts.join("\n");
}

async function runSemanticPatch(patch: SemanticPatch, args: readonly string[], dir: string, limits: RunLimits): Promise<TaskOutcome> {
  const run = await runTool("spatch", args, dir, limits);
  const failure = describeFailure("coccinelle", `spatch ${patch.rule}`, run, limits);
  return { checker: "coccinelle", findings: failure ? [] : parseCoccinelleReport(run.result.stdout, patch.rule), failure };
}
