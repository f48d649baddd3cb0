// `kforge dkms init|check [dir]`: write a dkms.conf that matches the project, or check an existing one.
// Both read the project's modules from a build for any kernel (the default kernel's first).
import { checkDkmsProject, initDkmsConf } from "../../dkms/project.js";
import { ExitCode } from "../../errors.js";
import { findAnyBuild } from "../../project/build-location.js";
import { openProject, type Project } from "../../project/project.js";
import type { CommandContext } from "../context.js";

export interface DkmsCommandOptions {
  dir?: string;
  force?: boolean;
}

async function openDkmsProject(options: DkmsCommandOptions, context: CommandContext): Promise<{ project: Project; built: string }> {
  const project = await openProject({ ...context, dir: options.dir, flags: {} });
  const kernel = await project.kernel().catch(() => undefined);
  return { project, built: (await findAnyBuild(project.dir, kernel?.release)) ?? project.dir };
}

export async function dkmsInitCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const { project, built } = await openDkmsProject(options, context);
  const path = await initDkmsConf({ dir: project.dir, buildDir: built, config: project.config, force: options.force });
  context.stdout.write(`wrote ${path}\nnext: sudo dkms add ${project.dir} && sudo dkms install <package>/<version>\n`);
  return ExitCode.ok;
}

export async function dkmsCheckCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const { project, built } = await openDkmsProject(options, context);
  const problems = await checkDkmsProject(project.dir, built);
  if (problems.length === 0) {
    context.stdout.write("dkms.conf matches the modules the project builds\n");
    return ExitCode.ok;
  }
  for (const problem of problems) context.stderr.write(`dkms.conf: ${problem}\n`);
  return ExitCode.failed;
}
