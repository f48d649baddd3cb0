// `kforge install [dir]` and `kforge uninstall [dir]`: kbuild's modules_install plus depmod, with a
// manifest so uninstall removes exactly what install wrote.
import { resolve } from "node:path";
import { loadConfig, type KforgeConfig } from "../../config/kforge-json.js";
import { ExitCode } from "../../errors.js";
import { installModules, uninstallModules, type ModDir } from "../../install/install.js";
import { resolveSigningKey, signModules } from "../../install/sign.js";
import { selectKernel, type KernelSelection } from "../../kernel/select.js";
import type { CommandContext } from "../context.js";

export interface InstallCommandOptions {
  dir?: string;
  kernel?: string;
  kdir?: string;
  destdir?: string;
  modDir?: ModDir;
  force?: boolean;
  autoload?: boolean;
}

export async function installCommand(options: InstallCommandOptions, context: CommandContext): Promise<number> {
  const { dir, config, kernel } = await resolveTarget(options, context);
  const key = await resolveSigningKey({ config, dir, env: context.env, required: false });
  if (key) {
    const signed = await signModules({ dir, kdir: kernel.kdir, key, signal: context.signal });
    context.stderr.write(`kforge: signed ${signed.length} module${signed.length === 1 ? "" : "s"} with ${key.cert}\n`);
  }
  const destdir = options.destdir === undefined ? undefined : resolve(context.cwd, options.destdir);
  const result = await installModules({
    dir,
    kernel,
    destdir,
    modDir: options.modDir ?? "updates",
    force: options.force,
    autoload: options.autoload ? (config.params ?? {}) : undefined,
    packageName: config.package?.name,
    signal: context.signal,
  });
  for (const file of result.files) context.stdout.write(`installed ${file}\n`);
  context.stdout.write(`depmod ran for ${kernel.release}${destdir ? ` under ${destdir}` : ""}\n`);
  return ExitCode.ok;
}

export async function uninstallCommand(options: InstallCommandOptions, context: CommandContext): Promise<number> {
  const { dir, kernel } = await resolveTarget(options, context);
  const destdir = options.destdir === undefined ? undefined : resolve(context.cwd, options.destdir);
  const removed = await uninstallModules({ dir, release: kernel.release, destdir, signal: context.signal });
  for (const file of removed) context.stdout.write(`removed ${file}\n`);
  return ExitCode.ok;
}

// Flags win over kforge.json, as for build.
export async function resolveTarget(
  options: { dir?: string; kernel?: string; kdir?: string },
  context: CommandContext,
): Promise<{ dir: string; config: KforgeConfig; kernel: KernelSelection }> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  const named = options.kernel !== undefined || options.kdir !== undefined;
  const configKernel = Array.isArray(config.kernel) ? config.kernel[0] : config.kernel;
  const kernel = await selectKernel({
    kernel: named ? options.kernel : configKernel,
    kdir: named ? options.kdir : config.kdir,
    env: context.env,
  });
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  return { dir, config, kernel };
}
