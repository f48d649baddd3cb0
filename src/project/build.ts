// Builds a project for a list of kernels, one or many, each at its build location with the project's
// make settings: the one build path of build, vm, test and watch's first build.
import type { BuildEvent, KernelBuildResult, KernelTarget } from "../kbuild/build-modules.js";
import { buildMatrix } from "../kbuild/matrix.js";
import type { Project } from "./project.js";

export interface ProjectBuildRequest {
  kernels: readonly KernelTarget[];
  signal?: AbortSignal;
  onEvent?: (release: string, event: BuildEvent) => void;
  onResult?: (result: KernelBuildResult) => void;
}

export async function buildProject(project: Project, request: ProjectBuildRequest): Promise<KernelBuildResult[]> {
  // A kernel of several goes to its own tree, even when the others were skipped by the gates.
  const alone = !project.severalKernels;
  const kernels = [];
  for (const { release, kdir } of request.kernels) kernels.push({ release, kdir, dir: await project.buildDir(release, { alone }) });
  return buildMatrix({
    ...project.make,
    kernels,
    signal: request.signal,
    environment: project.env,
    onEvent: request.onEvent,
    onResult: request.onResult,
  });
}
