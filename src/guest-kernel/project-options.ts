// What a project adds to its debug kernel: the in-tree modules its modules need (found the way kforge
// vm finds them, from the distro kernel's modules.symbols and modules.dep, e.g. videodev for a V4L2
// driver), enabled as modules with what they depend on, plus kforge.json debugKernel.config.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { UsageError } from "../errors.js";
import type { KforgeConfig } from "../config/kforge-json.js";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { findModulesDir } from "../kernel/kernel-image.js";
import { resolveDependencies } from "../module/resolve-deps.js";
import { resolveInTreeDependencies } from "../module/modules-dep.js";
import { builtDir } from "../project/build-location.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { enableWithDependencies, objectSymbol, parseKconfigTree } from "./kconfig.js";

export interface ProjectKernelOptions {
  // Fragment lines, in-tree modules first, then kforge.json's.
  extra: string[];
  // In-tree module names the project needs, as modprobe loads them.
  inTreeModules: string[];
}

export interface ProjectOptionsRequest {
  dir: string;
  // The project's kforge.json, as the caller read it.
  config: KforgeConfig;
  sourceDir: string;
  // The distro kernel of the same series, whose modules say which in-tree modules provide what.
  stock: BuildTree;
  env?: NodeJS.ProcessEnv;
}

export async function projectKernelOptions(request: ProjectOptionsRequest): Promise<ProjectKernelOptions> {
  const fromJson = Object.entries(request.config.debugKernel?.config ?? {}).map(([name, value]) =>
    value === "n" ? `# ${name} is not set` : `${name}=${value}`,
  );
  const inTreeModules = await neededInTreeModules(request);
  if (inTreeModules.length === 0) return { extra: fromJson, inTreeModules };
  const modulesDir = (await findModulesDir(request.stock.release, { env: request.env }))!;
  const { files } = await resolveInTreeDependencies(modulesDir, inTreeModules);
  const read = (path: string) => readSource(request.sourceDir, path);
  const wanted = new Map<string, "m">();
  const unmapped: string[] = [];
  for (const file of files) {
    const path = relative(modulesDir, file)
      .replace(/^kernel\//, "")
      .replace(/\.ko(\.\w+)?$/, "");
    const [folder, object] = [path.replace(/\/[^/]*$/, ""), path.replace(/^.*\//, "")];
    const symbol = objectSymbol(read(`${folder}/Makefile`) ?? read(`${folder}/Kbuild`) ?? "", object);
    if (symbol) wanted.set(symbol, "m");
    else unmapped.push(path);
  }
  const { lines, unknown } = enableWithDependencies(parseKconfigTree(read, "x86"), wanted);
  if (unmapped.length || unknown.length) {
    throw new UsageError(
      `cannot tell which Kconfig options build the in-tree modules ${[...unmapped, ...unknown].join(", ")} in ${request.sourceDir}`,
      'name them in kforge.json, e.g. {"debugKernel": {"config": {"CONFIG_FOO": "m"}}}',
    );
  }
  return { extra: [...lines, ...fromJson], inTreeModules };
}

// In-tree modules providing symbols the project's built modules use, resolved on the distro kernel.
async function neededInTreeModules(request: ProjectOptionsRequest): Promise<string[]> {
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
  const resolution = await resolveDependencies({
    files: artifacts.map((artifact) => artifact.path),
    kdir: request.stock.kdir,
    modulesDir,
    release: request.stock.release,
  });
  return resolution.inTreeModules;
}

function readSource(sourceDir: string, path: string): string | undefined {
  try {
    return readFileSync(join(sourceDir, path), "utf8");
  } catch {
    return undefined;
  }
}
