// `kforge dkms init|check [dir]`: write a dkms.conf that matches the project, or check an existing one.
import { resolve } from "node:path";
import { loadConfig } from "../../config/kforge-json.js";
import { ExitCode } from "../../errors.js";
import { assertFolder } from "../../fs/check-path.js";
import { checkDkmsProject, initDkmsConf } from "../../dkms/project.js";
import type { CommandContext } from "../context.js";

export interface DkmsCommandOptions {
  dir?: string;
  force?: boolean;
}

export async function dkmsInitCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  await assertFolder(dir, "module directory");
  const path = await initDkmsConf({ dir, config: await loadConfig(dir), force: options.force });
  context.stdout.write(`wrote ${path}\nnext: sudo dkms add ${dir} && sudo dkms install <package>/<version>\n`);
  return ExitCode.ok;
}

export async function dkmsCheckCommand(options: DkmsCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  await assertFolder(dir, "module directory");
  const problems = await checkDkmsProject(dir);
  if (problems.length === 0) {
    context.stdout.write("dkms.conf matches the modules the project builds\n");
    return ExitCode.ok;
  }
  for (const problem of problems) context.stderr.write(`dkms.conf: ${problem}\n`);
  return ExitCode.failed;
}
