// `kforge dkms init|check [dir]`: write a dkms.conf that matches the project, or check an existing one.
import { basename, resolve } from "node:path";
import { loadConfig } from "../../config/kforge-json.js";
import { ExitCode } from "../../errors.js";
import { checkDkmsProject, initDkmsConf } from "../../dkms/project.js";
import type { CommandContext } from "../context.js";

export interface DkmsCommandOptions {
  dir?: string;
  force?: boolean;
}

export async function dkmsInitCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const path = await initDkmsConf({ dir, config: await loadConfig(dir), force: options.force });
  context.stdout.write(`wrote ${path}\nnext: sudo dkms add ${dir} && sudo dkms install <package>/<version>\n`);
  return ExitCode.ok;
}

export async function dkmsCheckCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const check = await checkDkmsProject(dir);
  const name = basename(check.file);
  if (check.template)
    context.stderr.write(
      `kforge: there is no dkms.conf: checking ${name}, the template the project generates dkms.conf from; generate it and check again for placeholders\n`,
    );
  for (const note of check.notes) context.stderr.write(`${name}: note: ${note}\n`);
  const where = check.built.release ? ` (built for ${check.built.release} in .kforge/build/${check.built.release}/)` : "";
  if (check.problems.length === 0) {
    context.stdout.write(`${name} matches the modules the project builds${where}\n`);
    return ExitCode.ok;
  }
  for (const problem of check.problems) context.stderr.write(`${name}: ${problem}\n`);
  if (where) context.stderr.write(`the modules were read from the newest build${where}\n`);
  return ExitCode.failed;
}
