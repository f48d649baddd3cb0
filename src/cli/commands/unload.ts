// `kforge unload [name...]`: rmmod on the host; without names, the current dir's built modules in
// reverse load order.
import { createHostOptions, finishHostRun, type HostFlags } from "../host-command.js";
import { unloadOnHost, unloadOrder } from "../../loader/host-loader.js";
import { resolveModuleFiles } from "../../loader/project-modules.js";
import type { CommandContext } from "../context.js";

export interface UnloadCommandOptions extends HostFlags {
  names: string[];
}

export async function unloadCommand(options: UnloadCommandOptions, context: CommandContext): Promise<number> {
  const names = options.names.length
    ? options.names.map((name) => name.replace(/\.ko$/, ""))
    : await unloadOrder(await resolveModuleFiles([], context.cwd));
  return finishHostRun(await unloadOnHost(names, createHostOptions(options, context)), context);
}
