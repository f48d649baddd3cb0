// Describes installed kernels for `kforge kernels` and `kforge doctor`: build tree, image, the compiler
// the kernel was built with against the one on PATH, and module signing.
import { access, constants } from "node:fs/promises";
import { release as runningRelease } from "node:os";
import { join } from "node:path";
import { buildTreeProblem, DEFAULT_MODULES_ROOT, findBuildTrees, readBuildTreeRelease, type BuildTree } from "./build-tree.js";
import { checkCompiler, type CompilerCheck } from "./compiler.js";
import { readKernelConfig, signingConfig, type SigningConfig } from "./kernel-config.js";

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

async function isReadable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

export async function findVmlinuz(release: string, options: DiscoverOptions = {}): Promise<string | undefined> {
  const candidates = [join(options.bootDir ?? "/boot", `vmlinuz-${release}`), join(options.modulesRoot ?? DEFAULT_MODULES_ROOT, release, "vmlinuz")];
  for (const candidate of candidates) if (await isReadable(candidate)) return candidate;
  return undefined;
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
    vmlinuz: await findVmlinuz(tree.release, options),
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
