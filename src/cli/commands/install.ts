// `kforge install [dir]` and `kforge uninstall [dir]`: kbuild's modules_install plus depmod, with a
// manifest so uninstall removes exactly what install wrote. The modules are the project's build for
// the kernel, wherever it lives (in place or in the kernel's tree).
import { resolve } from "node:path";
import { ExitCode } from "../../errors.js";
import { installModules, type ModDir } from "../../install/install.js";
import { uninstallModules } from "../../install/uninstall.js";
import { resolveSigningKey, signModules } from "../../install/sign.js";
import { openProjectKernel } from "../project-kernel.js";
import type { CommandContext } from "../context.js";

export interface InstallCommandOptions {
  dir?: string;
  kernel?: string[];
  kdir?: string;
  destdir?: string;
  modDir?: ModDir;
  force?: boolean;
  autoload?: boolean;
}

export async function installCommand(options: InstallCommandOptions, context: CommandContext): Promise<number> {
  const { project, kernel, built } = await openProjectKernel(options, context);
  const key = await resolveSigningKey({ config: project.config, dir: project.dir, env: context.env, required: false });
  if (key) {
    const signed = await signModules({ dir: built, kdir: kernel.kdir, key, signal: context.signal });
    context.stderr.write(`kforge: signed ${signed.length} module${signed.length === 1 ? "" : "s"} with ${key.cert}\n`);
  }
  const destdir = options.destdir === undefined ? undefined : resolve(context.cwd, options.destdir);
  const result = await installModules({
    dir: project.dir,
    buildDir: built,
    kernel,
    destdir,
    modDir: project.setting<ModDir>("modDir")!,
    force: options.force,
    autoload: options.autoload ? (project.config.params ?? {}) : undefined,
    signal: context.signal,
  });
  for (const file of result.files) context.stdout.write(`installed ${file}\n`);
  context.stdout.write(`depmod ran for ${kernel.release}${destdir ? ` under ${destdir}` : ""}\n`);
  return ExitCode.ok;
}

export async function uninstallCommand(options: InstallCommandOptions, context: CommandContext): Promise<number> {
  const { project, kernel } = await openProjectKernel(options, context);
  const destdir = options.destdir === undefined ? undefined : resolve(context.cwd, options.destdir);
  const removed = await uninstallModules({ dir: project.dir, release: kernel.release, destdir, signal: context.signal });
  for (const file of removed) context.stdout.write(`removed ${file}\n`);
  return ExitCode.ok;
}
