// The kernels a run targets, always as a list: flags over kforge.json over the default kernel. A
// single kernel is a list of one. `all` means the installed distro kernels (/lib/modules/*/build);
// kernels kforge built itself (debug kernels and project variants) count only when named.
import type { KforgeConfig } from "../config/kforge-json.js";
import { UsageError } from "../errors.js";
import { findBuildTrees } from "../kernel/build-tree.js";
import { type KernelSelection, selectKernel } from "../kernel/select.js";

export interface KernelRequest {
  // --kernel values as given (repeatable; may contain "all").
  kernel?: string[];
  kdir?: string;
  config: KforgeConfig;
  env: NodeJS.ProcessEnv;
}

// The releases named, with `all` standing for the installed distro kernels, each once.
export async function expandAll(releases: readonly string[]): Promise<string[]> {
  const named = new Set<string>();
  for (const release of releases) {
    if (release !== "all") named.add(release);
    else for (const tree of await findBuildTrees()) named.add(tree.release);
  }
  return [...named];
}

// Pure: the releases asked for and the tree, from the flags, else from kforge.json. A kernel named on
// the command line ignores the config's kernel and kdir.
export function requestedKernels(request: Omit<KernelRequest, "env">): { releases: string[]; kdir?: string; fromFlags: boolean } {
  const fromFlags = request.kernel !== undefined || request.kdir !== undefined;
  if (fromFlags) return { releases: request.kernel ?? [], kdir: request.kdir, fromFlags };
  const configured = request.config.kernel;
  return { releases: configured === undefined ? [] : [configured].flat(), kdir: request.config.kdir, fromFlags };
}

export const isSeveral = (releases: readonly string[]): boolean => releases.length > 1 || releases.includes("all");

export async function resolveKernels(request: KernelRequest): Promise<KernelSelection[]> {
  const { releases, kdir, fromFlags } = requestedKernels(request);
  if (!isSeveral(releases)) return [await selectKernel({ kernel: releases[0], kdir, env: request.env })];
  if (kdir !== undefined && fromFlags) {
    throw new UsageError("--kdir names one build tree, but several kernels were asked for", "drop --kdir, or name one --kernel");
  }
  const named = await expandAll(releases);
  if (named.length === 0)
    throw new UsageError(
      "--kernel all found no installed build trees",
      "install kernel headers, or name the kernels with --kernel <release>",
    );
  const kernels: KernelSelection[] = [];
  // KDIR from the environment names one tree: it cannot stand for several kernels.
  for (const release of named) kernels.push(await selectKernel({ kernel: release, env: { ...request.env, KDIR: undefined } }));
  return kernels;
}

// The one release a single-kernel command was given, if any: several are a usage error.
export function singleRelease(kernel: readonly string[] | string | undefined, command: string): string | undefined {
  const releases = kernel === undefined ? [] : [kernel].flat();
  if (isSeveral(releases)) {
    throw new UsageError(
      `kforge ${command} works on one kernel, got --kernel ${releases.join(", ")}`,
      "name one --kernel (kforge build and kforge test take several)",
    );
  }
  return releases[0];
}
