// Describes installed kernels for `kforge kernels` and `kforge doctor`: build tree, image, the compiler
// the kernel was built with against the one on PATH, and module signing.
import { release as runningRelease } from "node:os";
import { isKforgeError } from "../errors.js";
import { buildTreeProblem, findBuildTrees, readBuildTreeRelease, type BuildTree } from "./build-tree.js";
import { checkCompiler, type CompilerCheck } from "./compiler.js";
import { readKernelConfig, signingConfig, type SigningConfig } from "./kernel-config.js";
import { findKernelImage } from "./kernel-image.js";

export interface KernelDescription extends BuildTree {
  isRunning: boolean;
  vmlinuz: string | undefined;
  compiler: CompilerCheck;
  signing: SigningConfig;
  warnings: string[];
}

export interface DiscoverOptions {
  modulesRoot?: string;
  bootDir?: string;
  // An extra build tree (--kdir or KDIR) listed besides the installed ones.
  kdir?: string;
}

// The image the VM would boot (/boot, /lib/modules/<release>, kforge's cache); a problem becomes a warning.
async function findImage(release: string, options: DiscoverOptions, warnings: string[]): Promise<string | undefined> {
  try {
    return (await findKernelImage({ release, modulesRoot: options.modulesRoot, bootDir: options.bootDir })).path;
  } catch (error) {
    if (!isKforgeError(error)) throw error;
    if (/not readable/.test(error.message)) warnings.push(error.message);
    return undefined;
  }
}

export async function describeKernel(tree: BuildTree, options: DiscoverOptions = {}): Promise<KernelDescription> {
  const config = await readKernelConfig(tree.kdir);
  const compiler = await checkCompiler(config);
  const signing = signingConfig(config);
  const warnings: string[] = [];
  if (!config) warnings.push(`no .config or include/config/auto.conf in ${tree.kdir}`);
  if (!compiler.host) warnings.push(`the kernel's compiler (${compiler.kernel ?? "unknown"}) is not on PATH`);
  else if (compiler.mismatch) warnings.push(`compiler mismatch: kernel built with "${compiler.kernel}", PATH has "${compiler.host}"`);
  return {
    ...tree,
    isRunning: tree.release === runningRelease(),
    vmlinuz: await findImage(tree.release, options, warnings),
    compiler,
    signing,
    warnings,
  };
}

export async function listKernels(options: DiscoverOptions = {}): Promise<KernelDescription[]> {
  const trees = await findBuildTrees(options.modulesRoot);
  if (options.kdir && (await buildTreeProblem(options.kdir)) === undefined) {
    const release = await readBuildTreeRelease(options.kdir);
    if (release && !trees.some((tree) => tree.kdir === options.kdir)) trees.unshift({ release, kdir: options.kdir });
  }
  return Promise.all(trees.map((tree) => describeKernel(tree, options)));
}
