// What a project adds to its debug kernel: the in-tree modules its modules need (found the way kforge
// vm finds them, from the distro kernel's modules.symbols and modules.dep, e.g. videodev for a V4L2
// driver), enabled as modules with what they depend on; the options that build the code exporting
// what the project still lacks against the plain debug kernel (del_gendisk: CONFIG_BLOCK, built in on
// the distro kernel), found in the source (symbol-options.ts); plus kforge.json debugKernel.config.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { UsageError } from "../errors.js";
import type { KforgeConfig } from "../config/kforge-json.js";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { findModulesDir } from "../kernel/kernel-image.js";
import { buildModules } from "../kbuild/build-modules.js";
import { undefinedSymbols } from "../kbuild/failure-explain.js";
import { STATE_DIR } from "../kbuild/build-log.js";
import { describeFile } from "../kbuild/fingerprint.js";
import { listSourceFiles, refreshMirror } from "../kbuild/mirror.js";
import { readOptionalText } from "../fs/files.js";
import { resolveDependencies, type DependencyResolution } from "../module/resolve-deps.js";
import { resolveInTreeDependencies } from "../module/modules-dep.js";
import { builtDir } from "../project/build-location.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { enableWithDependencies, objectSymbol, parseKconfigTree, type SourceReader } from "./kconfig.js";
import { findSymbolExporters } from "./symbol-options.js";

// A project a debug kernel variant is built for: its dir and its kforge.json.
export interface ProjectRef {
  dir: string;
  config: KforgeConfig;
}

export interface ProjectKernelOptions {
  // Fragment lines, in-tree modules first, then kforge.json's.
  extra: string[];
  // In-tree module names the project needs, as modprobe loads them.
  inTreeModules: string[];
  // Options added because the plain debug kernel lacks symbols the distro kernel has built in.
  builtInOptions: { option: string; symbols: string[] }[];
}

export interface ProjectOptionsRequest {
  dir: string;
  // The project's kforge.json, as the caller read it.
  config: KforgeConfig;
  sourceDir: string;
  // The distro kernel of the same series, whose modules say which in-tree modules provide what.
  stock: BuildTree;
  // Symbols the project's modules found no exporter for when built against the plain debug kernel
  // (lackingSymbols): code the distro kernel builds and the minimal one leaves out.
  lacking?: readonly string[];
  env?: NodeJS.ProcessEnv;
}

export async function projectKernelOptions(request: ProjectOptionsRequest): Promise<ProjectKernelOptions> {
  const fromJson = Object.entries(request.config.debugKernel?.config ?? {}).map(([name, value]) =>
    value === "n" ? `# ${name} is not set` : `${name}=${value}`,
  );
  const resolution = await resolveOnStock(request);
  const { inTreeModules } = resolution;
  const read = (path: string) => readSource(request.sourceDir, path);
  const builtIn = await builtInOptions(request, resolution, read);
  if (inTreeModules.length === 0 && builtIn.length === 0) return { extra: fromJson, inTreeModules, builtInOptions: [] };
  const modulesDir = (await findModulesDir(request.stock.release, { env: request.env }))!;
  const { files } = await resolveInTreeDependencies(modulesDir, inTreeModules);
  const wanted = new Map<string, "m" | "y">(builtIn.map(({ option }) => [option, "y"]));
  const unmapped: string[] = [];
  for (const file of files) {
    const path = relative(modulesDir, file)
      .replace(/^kernel\//, "")
      .replace(/\.ko(\.\w+)?$/, "");
    const [folder, object] = [path.replace(/\/[^/]*$/, ""), path.replace(/^.*\//, "")];
    const symbol = objectSymbol(read(`${folder}/Makefile`) ?? read(`${folder}/Kbuild`) ?? "", object);
    if (!symbol) unmapped.push(path);
    else if (!wanted.has(symbol)) wanted.set(symbol, "m");
  }
  const { lines, unknown } = enableWithDependencies(parseKconfigTree(read, "x86"), wanted);
  if (unmapped.length || unknown.length) {
    throw new UsageError(
      `cannot tell which Kconfig options build the in-tree modules ${[...unmapped, ...unknown].join(", ")} in ${request.sourceDir}`,
      'name them in kforge.json, e.g. {"debugKernel": {"config": {"CONFIG_FOO": "m"}}}',
    );
  }
  return { extra: [...lines, ...fromJson], inTreeModules, builtInOptions: builtIn };
}

// What the plain debug kernel lacks that no in-tree module of the project's provides, by the option that
// builds its exporter; symbols whose exporter cannot be told are left to modpost, whose error then says so.
async function builtInOptions(
  request: ProjectOptionsRequest,
  resolution: DependencyResolution,
  read: SourceReader,
): Promise<{ option: string; symbols: string[] }[]> {
  const fromInTree = new Set(
    resolution.modules.flatMap((module) => module.needs.filter((need) => need.provider.kind === "in-tree").map((need) => need.symbol)),
  );
  const lacking = (request.lacking ?? []).filter((symbol) => !fromInTree.has(symbol));
  const byOption = new Map<string, string[]>();
  for (const exporter of await findSymbolExporters(request.sourceDir, lacking, read)) {
    if (!exporter.option) continue;
    byOption.set(exporter.option, [...(byOption.get(exporter.option) ?? []), exporter.symbol]);
  }
  return [...byOption].map(([option, symbols]) => ({ option, symbols }));
}

// Builds the project against the plain debug kernel (in that kernel's own tree, so the project's
// in-place build is left alone) and returns what modpost found missing. A failed build records no
// fingerprint, so the answer is kept for the same sources and kernel, and a rerun costs no make.
export async function lackingSymbols(
  project: ProjectRef,
  base: { release: string; kdir: string },
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<string[]> {
  const record = join(project.dir, STATE_DIR, "state", base.release, "lacking-symbols.json");
  const key = await lackingKey(project.dir, base.kdir);
  const kept = JSON.parse((await readOptionalText(record)) ?? "null") as { key: string; symbols: string[] } | null;
  if (kept?.key === key) return kept.symbols;
  const dir = await refreshMirror(project.dir, base.release);
  const probe = await buildModules({
    dir,
    kernel: base,
    buildCommand: project.config.build?.command,
    signal: options.signal,
    environment: options.env,
  });
  if (probe.interrupted) return [];
  const symbols = probe.ok ? [] : undefinedSymbols(probe.diagnostics);
  await mkdir(dirname(record), { recursive: true });
  await writeFile(record, JSON.stringify({ key, symbols }));
  return symbols;
}

// The project's sources (by content) and the kernel's exports (by size and time).
async function lackingKey(project: string, kdir: string): Promise<string> {
  const hash = createHash("sha256");
  for (const source of (await listSourceFiles(project)).sort())
    hash.update(`${source}\0${(await readOptionalText(join(project, source))) ?? ""}\0`);
  hash.update(JSON.stringify(describeFile(join(kdir, "Module.symvers"))));
  return hash.digest("hex");
}

// The project's built modules resolved on the distro kernel: in-tree providers, and what vmlinux provides.
async function resolveOnStock(request: ProjectOptionsRequest): Promise<DependencyResolution> {
  // The project's build for the distro kernel, wherever it lives (project/build-location.ts).
  const { artifacts } = await collectArtifacts(await builtDir(request.dir, request.stock.release));
  if (artifacts.length === 0) {
    throw new UsageError(
      `${request.dir} has no built modules to find its in-tree dependencies from`,
      `build it first: kforge build ${request.dir} --kernel ${request.stock.release}`,
    );
  }
  const modulesDir = await findModulesDir(request.stock.release, { env: request.env });
  if (!modulesDir) throw new UsageError(`no modules.dep for ${request.stock.release}`, `run kforge kernel fetch ${request.stock.release}`);
  return resolveDependencies({
    files: artifacts.map((artifact) => artifact.path),
    kdir: request.stock.kdir,
    modulesDir,
    release: request.stock.release,
  });
}

function readSource(sourceDir: string, path: string): string | undefined {
  try {
    return readFileSync(join(sourceDir, path), "utf8");
  } catch {
    return undefined;
  }
}
