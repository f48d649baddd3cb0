// Builds one module dir for several kernels at once, each in the dir the caller chose for it (the
// project's build location for that kernel), splitting the CPUs between the kernels so make is never
// oversubscribed. One kernel's failure never stops the others.
import { availableParallelism } from "node:os";
import { buildModules, type BuildEvent, type BuildOptions, type KernelBuildResult, type KernelTarget } from "./build-modules.js";

export interface MatrixOptions extends Omit<BuildOptions, "kernel" | "onEvent" | "dir"> {
  // Each kernel with the dir make builds in for it.
  kernels: (KernelTarget & { dir: string })[];
  cpuCount?: number;
  onEvent?: (release: string, event: BuildEvent) => void;
  // Each kernel's result as soon as it is known.
  onResult?: (result: KernelBuildResult) => void;
}

export interface MatrixPlan {
  // Kernels building at the same time.
  concurrency: number;
  // make -j for each of them.
  jobs: number;
}

// As many kernels at a time as there are CPUs (or kernels), each with an equal share of the CPUs.
export function planMatrix(kernelCount: number, cpuCount: number, requestedJobs?: number): MatrixPlan {
  const concurrency = Math.max(1, Math.min(kernelCount, cpuCount));
  const jobs = requestedJobs ?? Math.max(1, Math.floor(cpuCount / concurrency));
  return { concurrency, jobs };
}

export async function buildMatrix(options: MatrixOptions): Promise<KernelBuildResult[]> {
  const { kernels, cpuCount = availableParallelism(), onEvent, onResult, ...shared } = options;
  const plan = planMatrix(kernels.length, cpuCount, shared.jobs);
  // A single kernel gets only the requested -j: without one the builder chooses, and leaves a -j the
  // module's Makefile sets alone.
  const jobs = kernels.length === 1 ? shared.jobs : plan.jobs;
  const results: KernelBuildResult[] = new Array(kernels.length);
  let next = 0;
  const worker = async () => {
    while (next < kernels.length) {
      const index = next++;
      const { dir, ...kernel } = kernels[index]!;
      results[index] = await buildModules({
        ...shared,
        dir,
        kernel,
        jobs,
        onEvent: (event) => onEvent?.(kernel.release, event),
      });
      onResult?.(results[index]!);
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, worker));
  return results;
}
