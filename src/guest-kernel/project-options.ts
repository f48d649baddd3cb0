// What a project adds to its debug kernel: the in-tree modules its modules need (found the way kforge
// vm finds them, from the distro kernel's modules.symbols and modules.dep, e.g. videodev for a V4L2
// driver), enabled as modules with what they depend on; the options that build the code exporting
// what the distro kernel has built in and the plain debug kernel lacks (del_gendisk: CONFIG_BLOCK),
// found in the source (symbol-options.ts); plus kforge.json debugKernel.config.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { UsageError } from "../errors.js";
import { loadConfig } from "../config/kforge-json.js";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { findModulesDir } from "../kernel/kernel-image.js";
import { readOptionalText } from "../fs/files.js";
import { parseModuleSymvers } from "../module/module-symvers.js";
import { resolveDependencies, type DependencyResolution } from "../module/resolve-deps.js";
import { resolveInTreeDependencies } from "../module/modules-dep.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { enableWithDependencies, objectSymbol, parseKconfigTree, type SourceReader } from "./kconfig.js";
import { findSymbolExporters } from "./symbol-options.js";

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
  sourceDir: string;
  // The distro kernel of the same series, whose modules say which in-tree modules provide what.
  stock: BuildTree;
  // The plain debug kernel's build tree: its Module.symvers says what it already exports.
  baseKdir?: string;
  env?: NodeJS.ProcessEnv;
}

export async function projectKernelOptions(request: ProjectOptionsRequest): Promise<ProjectKernelOptions> {
  const config = await loadConfig(request.dir);
  const fromJson = Object.entries(config.debugKernel?.config ?? {}).map(([name, value]) =>
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
    if (symbol && !wanted.has(symbol)) wanted.set(symbol, "m");
    else unmapped.push(path);
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

// What the distro kernel has built in and the plain debug kernel does not export, by the option that
// builds it; symbols whose exporter cannot be told are left to modpost, whose error then says so.
async function builtInOptions(
  request: ProjectOptionsRequest,
  resolution: DependencyResolution,
  read: SourceReader,
): Promise<{ option: string; symbols: string[] }[]> {
  if (!request.baseKdir) return [];
  const base = new Set(
    parseModuleSymvers((await readOptionalText(join(request.baseKdir, "Module.symvers"))) ?? "").map((entry) => entry.symbol),
  );
  const lacking = [
    ...new Set(
      resolution.modules.flatMap((module) => module.needs.filter((need) => need.provider.kind === "kernel").map((need) => need.symbol)),
    ),
  ].filter((symbol) => !base.has(symbol));
  const byOption = new Map<string, string[]>();
  for (const exporter of await findSymbolExporters(request.sourceDir, lacking, read)) {
    // Architecture code (retpoline thunks, mitigations) is what the module was compiled against on the
    // distro kernel; built against the guest kernel it asks for that kernel's own, so it is no need.
    if (!exporter.option || exporter.file.startsWith("arch/")) continue;
    byOption.set(exporter.option, [...(byOption.get(exporter.option) ?? []), exporter.symbol]);
  }
  return [...byOption].map(([option, symbols]) => ({ option, symbols }));
}

// The project's built modules resolved on the distro kernel: in-tree providers, and what vmlinux provides.
async function resolveOnStock(request: ProjectOptionsRequest): Promise<DependencyResolution> {
  const { artifacts } = await collectArtifacts(request.dir);
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
