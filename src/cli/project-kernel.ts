// The project and its one kernel for the commands that use a finished build (install, uninstall,
// sign, compile-commands): the kernel chosen as build chooses it, and the dir holding its build.
import { formatNotice } from "../text/visible-text.js";
import type { KernelSelection } from "../kernel/select.js";
import { openProject, type Project } from "../project/project.js";
import type { Flags } from "../project/settings.js";
import type { CommandContext } from "./context.js";

export async function openProjectKernel(
  options: { dir?: string } & Flags,
  context: CommandContext,
): Promise<{ project: Project; kernel: KernelSelection; built: string }> {
  const project = await openProject({ ...context, dir: options.dir, flags: options });
  const kernel = await project.kernel();
  if (kernel.notice) context.stderr.write(formatNotice(kernel.notice));
  return { project, kernel, built: await project.builtDir(kernel.release) };
}
