// `kforge dkms init|check [dir]`: write a dkms.conf that matches the project, or check an existing one.
// Both read the project's modules from a build for any kernel (the default kernel's first).
import { basename } from "node:path";
import { checkDkmsProject, initDkmsConf, type ProjectBuild } from "../../dkms/project.js";
import { ExitCode } from "../../errors.js";
import { findAnyBuild } from "../../project/build-location.js";
import { openProject, type Project } from "../../project/project.js";
import type { CommandContext } from "../context.js";

export interface DkmsCommandOptions {
  dir?: string;
  force?: boolean;
}

async function openDkmsProject(options: DkmsCommandOptions, context: CommandContext): Promise<{ project: Project; built: ProjectBuild }> {
  const project = await openProject({ ...context, dir: options.dir, flags: {} });
  const kernel = await project.kernel().catch(() => undefined);
  return { project, built: (await findAnyBuild(project.dir, kernel?.release)) ?? { dir: project.dir } };
}

export async function dkmsInitCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const { project, built } = await openDkmsProject(options, context);
  const path = await initDkmsConf({ dir: project.dir, build: built, config: project.config, force: options.force });
  context.stdout.write(`wrote ${path}\nnext: sudo dkms add ${project.dir} && sudo dkms install <package>/<version>\n`);
  return ExitCode.ok;
}

export async function dkmsCheckCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const { project, built } = await openDkmsProject(options, context);
  const check = await checkDkmsProject(project.dir, built);
  const name = basename(check.file);
  if (check.template)
    context.stderr.write(
      `kforge: there is no dkms.conf: checking ${name}, the template the project ` +
        `generates dkms.conf from; generate it and check again for placeholders\n`,
    );
  for (const note of check.notes) context.stderr.write(`${name}: note: ${note}\n`);
  const where = check.built.release ? ` (built for ${check.built.release} in .kforge/build/${check.built.release}/)` : "";
  if (check.problems.length === 0) {
    context.stdout.write(`${name} matches the modules the project builds${where}\n`);
    return ExitCode.ok;
  }
  for (const problem of check.problems) context.stderr.write(`${name}: ${problem}\n`);
  if (where) context.stderr.write(`the modules were read from the build${where}\n`);
  return ExitCode.failed;
}
