// `kforge load [dir|file.ko...] [-- param=value ...]`: insmod on the host in dependency order.
import { release } from "node:os";
import { openProject } from "../../project/project.js";
import { createHostOptions, finishHostRun, type HostFlags } from "../host-command.js";
import { loadOnHost } from "../../loader/host-loader.js";
import { mergeParameters } from "../../loader/parameters.js";
import { resolveModuleFiles } from "../../loader/project-modules.js";
import type { CommandContext } from "../context.js";

export interface LoadCommandOptions extends HostFlags {
  targets: string[];
}

export async function loadCommand(options: LoadCommandOptions, context: CommandContext): Promise<number> {
  // Host loads go to the running kernel, so its matrix tree counts.
  const files = await resolveModuleFiles(options.targets, context.cwd, release());
  const { config } = await openProject({ ...context, flags: {} });
  const result = await loadOnHost(
    { files, parameters: (names) => mergeParameters(names, config.params, context.extraArgs) },
    createHostOptions(options, context),
  );
  return finishHostRun(result, context);
}
