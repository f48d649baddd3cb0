// No-op detection: a hash of everything a kbuild run depends on. When it equals the one recorded
// after the last successful build, make would do nothing, so kforge skips it (make alone spends
// most of a second re-reading the kernel's makefiles to find that out).
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdir, readdir, readFile, realpath, rename, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative } from "node:path";
import type { Artifact } from "./artifacts.js";
import { parseRecordedCommand } from "./cmd-file.js";
import { STATE_DIR } from "./build-log.js";
import { listReachedFiles, reachOf } from "./mirror.js";
import { MODULES_ORDER, parseModulesOrder } from "./modules-order.js";
import type { Diagnostic } from "./parse-output.js";

const FORMAT = 1;
const SOURCE_FILE = /\.(?:c|h|S|s|rs|lds|inc|asm)$|^(?:Kbuild|Makefile|GNUmakefile|makefile)$|^Makefile\.|\.mk$|^kforge\.json$/;
const GENERATED_FILE = /\.mod\.c$/;
const SKIPPED_DIRS = new Set([STATE_DIR, ".git", "node_modules"]);
// Environment variables kbuild reads that change what it builds.
export const BUILD_ENVIRONMENT =
  /^(?:ARCH|CROSS_COMPILE|LLVM|LLVM_IAS|CC|LD|AR|KCFLAGS|KCPPFLAGS|KAFLAGS|KRUSTFLAGS|KBUILD_\w+|INSTALL_MOD_\w+|CONFIG_\w+)$/;
const KERNEL_IDENTITY_FILES = ["Makefile", "Module.symvers", "include/config/auto.conf", "include/generated/utsrelease.h"];

export interface FingerprintInput {
  dir: string;
  release: string;
  kdir: string;
  makeArguments: readonly string[];
  environment: NodeJS.ProcessEnv;
}

export interface RecordedBuild {
  artifacts: Artifact[];
  diagnostics: Diagnostic[];
  exitCode: number | undefined;
  log: string;
}

interface FingerprintFile {
  format: number;
  key: string;
  build: RecordedBuild;
}

export function fingerprintPath(dir: string, release: string): string {
  return join(dir, STATE_DIR, "state", release, "fingerprint.json");
}

export async function computeFingerprint(input: FingerprintInput): Promise<string> {
  const hash = createHash("sha256");
  const add = (label: string, value: unknown) => hash.update(`${label}\0${JSON.stringify(value)}\n`);
  add("format", FORMAT);
  add("release", input.release);
  // -j changes how fast, not what is built.
  add(
    "make",
    input.makeArguments.filter((argument) => !/^-j\d*$/.test(argument)),
  );
  add(
    "environment",
    Object.entries(input.environment)
      .filter(([name]) => BUILD_ENVIRONMENT.test(name))
      .sort(),
  );
  const kernel = await describeKernelTree(input.kdir);
  add("kernel", kernel);
  const { sources, commandFiles } = await listModuleFiles(input.dir);
  for (const source of sources) add(`source ${relative(input.dir, source)}`, hashFile(source));
  // What the Kbuild reaches outside the dir (include $(src)/../Kbuild.common) is a source too.
  for (const reached of await listReachedFiles(await reachOf(input.dir))) add(`reached ${relative(input.dir, reached)}`, hashFile(reached));
  for (const dependency of await collectDependencies(commandFiles, input.kdir, kernel.roots))
    add(`dependency ${dependency}`, describeFile(dependency));
  add("artifacts", await describeArtifacts(input.dir));
  return hash.digest("hex");
}

// The build recorded after the last success, with its fingerprint; undefined when there is none.
export async function readRecordedBuild(dir: string, release: string): Promise<{ key: string; build: RecordedBuild } | undefined> {
  try {
    const file = JSON.parse(await readFile(fingerprintPath(dir, release), "utf8")) as FingerprintFile;
    return file.format === FORMAT ? { key: file.key, build: file.build } : undefined;
  } catch {
    return undefined; // missing or unreadable state only means "build"
  }
}

export async function recordBuild(dir: string, release: string, key: string, build: RecordedBuild): Promise<void> {
  const path = fingerprintPath(dir, release);
  await mkdir(dirname(path), { recursive: true });
  const file: FingerprintFile = { format: FORMAT, key, build };
  // Write then rename, so an interrupted write never leaves a state that matches.
  await writeFile(`${path}.tmp`, JSON.stringify(file, null, 2));
  await rename(`${path}.tmp`, path);
}

// The kernel tree's identity, and the directories that belong to it: its own and, for trees like
// Debian's headers whose Makefile is `include <srctree>/Makefile`, the source tree's. Headers under
// these change only with the kernel package, which the identity files already cover.
export async function describeKernelTree(kdir: string): Promise<{ roots: string[]; files: unknown[] }> {
  const root = await realpath(kdir).catch(() => kdir);
  const makefile = await readFile(join(root, "Makefile"), "utf8").catch(() => "");
  const sourceRoots = [...makefile.matchAll(/^include\s+(\/\S+)\/Makefile\s*$/gm)].map((match) => match[1]!);
  return { roots: [root, ...sourceRoots], files: KERNEL_IDENTITY_FILES.map((file) => describeFile(join(root, file))) };
}

// Synchronous on purpose: for hundreds of small stats the promise overhead costs more than the calls.
export function describeFile(path: string): [number, number] | null {
  try {
    const info = statSync(path);
    return [info.size, info.mtimeMs];
  } catch {
    return null;
  }
}

function hashFile(path: string): string | null {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return null;
  }
}

// Source files (by name) and kbuild's .<target>.cmd files, sorted, skipping kforge's own state.
export async function listModuleFiles(dir: string): Promise<{ sources: string[]; commandFiles: string[] }> {
  const sources: string[] = [];
  const commandFiles: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  for (const entry of entries) {
    // A matrix build's mirror tree holds the sources as symlinks.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const parent = entry.parentPath;
    if (
      relative(dir, parent)
        .split("/")
        .some((part) => SKIPPED_DIRS.has(part))
    )
      continue;
    const path = join(parent, entry.name);
    if (/^\..*\.cmd$/.test(entry.name)) commandFiles.push(path);
    else if (!entry.name.startsWith(".") && SOURCE_FILE.test(entry.name) && !GENERATED_FILE.test(entry.name)) sources.push(path);
  }
  return { sources: sources.sort(), commandFiles: commandFiles.sort() };
}

// The files kbuild recorded as dependencies of an object that lie outside the kernel tree: the
// module's own headers, inside or outside its dir. Relative entries are inside the kernel tree
// (make runs there).
async function collectDependencies(commandFiles: readonly string[], kdir: string, kernelRoots: readonly string[]): Promise<string[]> {
  const dependencies = new Set<string>();
  const isKernelFile = (path: string) =>
    !isAbsolute(path) || path.startsWith(`${kdir}/`) || kernelRoots.some((root) => path.startsWith(`${root}/`));
  for (const commandFile of commandFiles) {
    const text = await readFile(commandFile, "utf8").catch(() => "");
    for (const path of parseDependencyList(text)) if (!isKernelFile(path)) dependencies.add(path);
  }
  return [...dependencies].sort();
}

// Pure: the files a kbuild .cmd file's `deps_<object>` block lists, without make's wildcard entries.
export function parseDependencyList(text: string): string[] {
  return parseRecordedCommand(text)?.dependencies ?? [];
}

async function describeArtifacts(dir: string): Promise<unknown> {
  const order = await readFile(join(dir, MODULES_ORDER), "utf8").catch(() => null);
  if (order === null) return null;
  const modules = parseModulesOrder(order, dir);
  return { order, modules: modules.map((module) => [module, describeFile(module)]) };
}
