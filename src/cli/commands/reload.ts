// `kforge reload [dir|file.ko...] [-- param=value ...]`: unload what is loaded of these modules
// (reverse order), then load the new build.
import { release } from "node:os";
import { openProject } from "../../project/project.js";
import { createHostOptions, finishHostRun, type HostFlags } from "../host-command.js";
import { loadOnHost, unloadOnHost, unloadOrder } from "../../loader/host-loader.js";
import { mergeParameters } from "../../loader/parameters.js";
import { resolveModuleFiles } from "../../loader/project-modules.js";
import type { CommandContext } from "../context.js";

export interface ReloadCommandOptions extends HostFlags {
  targets: string[];
}

export async function reloadCommand(options: ReloadCommandOptions, context: CommandContext): Promise<number> {
  // Host loads go to the running kernel, so its matrix tree counts.
  const files = await resolveModuleFiles(options.targets, context.cwd, release());
  const { config } = await openProject({ ...context, flags: {} });
  const host = createHostOptions(options, context);
  const unloaded = await unloadOnHost(await unloadOrder(files), host);
  if (!unloaded.ok) return finishHostRun(unloaded, context);
  const loaded = await loadOnHost({ files, parameters: (names) => mergeParameters(names, config.params, context.extraArgs) }, host);
  return finishHostRun(loaded, context);
}
