// A project whose modules need in-tree modules the plain debug kernel lacks (videodev and mc for a
// V4L2 driver), or that names options in kforge.json debugKernel.config, boots its own variant of
// the debug kernel: the release `kforge kernel build <series> --debug --for <dir>` makes.
import { readlink } from "node:fs/promises";
import { join } from "node:path";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { variantKey } from "../guest-kernel/guest-config.js";
import { lackingSymbols, projectKernelOptions } from "../guest-kernel/project-options.js";
import { builtRelease, parseBuiltRelease } from "../kernel/built-release.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { buildProject } from "../project/build.js";
import type { Project } from "../project/project.js";

export interface ProjectVariant {
  release: string;
  // The in-tree modules that made the variant, for the notice; empty when only kforge.json did.
  inTreeModules: string[];
  // Options for code the distro kernel has built in (CONFIG_BLOCK for del_gendisk), for the notice.
  builtInOptions: { option: string; symbols: string[] }[];
}

export interface VariantRequest {
  project: Project;
  // The distro kernel the user selected: its modules.symbols say who provides what.
  stock: BuildTree;
  // The plain debug kernel's build tree, whose source the variant's Kconfig is read from.
  debugKdir: string;
  debugRelease: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

// The variant the project needs, or undefined when the plain debug kernel does.
export async function projectVariant(request: VariantRequest): Promise<ProjectVariant | undefined> {
  // What the modules import is read from built modules; a project never built is built for the
  // stock kernel first. If that fails, the plain kernel is used and its build reports the error.
  const { project, stock } = request;
  if (!(await hasBuiltModules(await project.builtDir(stock.release)))) {
    const [build] = await buildProject(project, { kernels: [stock], signal: request.signal });
    if (!build!.ok) return undefined;
  }
  const sourceDir = await readlink(join(request.debugKdir, "source"));
  const { extra, inTreeModules, builtInOptions } = await projectKernelOptions({
    dir: project.dir,
    config: project.config,
    sourceDir,
    stock,
    lacking: await lackingSymbols(project, { release: request.debugRelease, kdir: request.debugKdir }, request),
    env: request.env,
  });
  const key = variantKey(extra);
  if (key === undefined) return undefined;
  return { release: builtRelease(parseBuiltRelease(request.debugRelease)!.version, true, key), inTreeModules, builtInOptions };
}

const hasBuiltModules = async (dir: string) => (await collectArtifacts(dir)).artifacts.length > 0;
