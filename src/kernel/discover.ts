// Describes installed kernels for `kforge kernels` and `kforge doctor`: build tree, image, the compiler
// the kernel was built with against the one on PATH, and module signing.
import { release as runningRelease } from "node:os";
import { isKforgeError } from "../errors.js";
import { buildTreeProblem, findBuildTrees, findCachedBuildTrees, readBuildTreeRelease, type BuildTree } from "./build-tree.js";
import { parseBuiltRelease, type BuiltRelease } from "./built-release.js";
import { checkCompiler, type CompilerCheck } from "./compiler.js";
import { signingConfig, type SigningConfig } from "./kernel-config.js";
import { findKernelImage } from "./kernel-image.js";
import { readTreeArch } from "./tree-arch.js";

export interface KernelDescription extends BuildTree {
  // The architecture the tree is configured for (x86_64, arm64, arm), undefined without a config.
  arch: string | undefined;
  // The CROSS_COMPILE kforge builds with, for a tree of another architecture than this machine's.
  crossCompile: string | undefined;
  isRunning: boolean;
  vmlinuz: string | undefined;
  compiler: CompilerCheck;
  signing: SigningConfig;
  // Set for a kernel `kforge kernel build` made (registered in kforge's cache).
  built: BuiltRelease | undefined;
  warnings: string[];
}

export interface DiscoverOptions {
  modulesRoot?: string;
  bootDir?: string;
  // An extra build tree (--kdir or KDIR) listed besides the installed ones.
  kdir?: string;
  // Whose kforge cache to list kforge-built kernels from.
  env?: NodeJS.ProcessEnv;
}

// The image the VM would boot (/boot, /lib/modules/<release>, kforge's cache); a problem becomes a warning.
async function findImage(release: string, options: DiscoverOptions, warnings: string[]): Promise<string | undefined> {
  try {
    return (await findKernelImage({ release, modulesRoot: options.modulesRoot, bootDir: options.bootDir, env: options.env })).path;
  } catch (error) {
    if (!isKforgeError(error)) throw error;
    if (/not readable/.test(error.message)) warnings.push(error.message);
    return undefined;
  }
}

export async function describeKernel(tree: BuildTree, options: DiscoverOptions = {}): Promise<KernelDescription> {
  const { config, arch, foreign } = await readTreeArch(tree.kdir);
  const crossCompile = foreign && config?.get("CONFIG_CC_IS_CLANG") !== "y" ? `${foreign.gnuType}-` : undefined;
  const compiler = await checkCompiler(config, crossCompile);
  const signing = signingConfig(config);
  const warnings: string[] = [];
  if (!config) warnings.push(`no .config or include/config/auto.conf in ${tree.kdir}`);
  if (!compiler.host && crossCompile) {
    const command = `${crossCompile}${compiler.kernel?.split(" ")[0] ?? "gcc"}`;
    warnings.push(`the ${arch} cross compiler (${command}) is not on PATH: apt-get install gcc-${foreign!.gnuType}`);
  } else if (!compiler.host) warnings.push(`the kernel's compiler (${compiler.kernel ?? "unknown"}) is not on PATH`);
  else if (compiler.mismatch) warnings.push(`compiler mismatch: kernel built with "${compiler.kernel}", PATH has "${compiler.host}"`);
  return {
    ...tree,
    arch,
    crossCompile,
    isRunning: tree.release === runningRelease(),
    vmlinuz: await findImage(tree.release, options, warnings),
    compiler,
    signing,
    built: undefined,
    warnings,
  };
}

export async function listKernels(options: DiscoverOptions = {}): Promise<KernelDescription[]> {
  const cached = await findCachedBuildTrees(options.env);
  const trees = [...(await findBuildTrees(options.modulesRoot)), ...cached];
  if (options.kdir && (await buildTreeProblem(options.kdir)) === undefined) {
    const release = await readBuildTreeRelease(options.kdir);
    if (release && !trees.some((tree) => tree.kdir === options.kdir)) trees.unshift({ release, kdir: options.kdir });
  }
  const describe = async (tree: BuildTree) => ({
    ...(await describeKernel(tree, options)),
    built: cached.includes(tree) ? parseBuiltRelease(tree.release) : undefined,
  });
  return Promise.all(trees.map(describe));
}
