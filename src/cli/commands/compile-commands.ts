// `kforge compile-commands [dir]`: compile_commands.json from the last build's kbuild .cmd files.
import { ExitCode } from "../../errors.js";
import { writeCompileCommands } from "../../editor/compile-commands.js";
import type { CommandContext } from "../context.js";
import { resolveTarget } from "./install.js";

export interface CompileCommandsCommandOptions {
  dir?: string;
  kernel?: string;
  kdir?: string;
}

export async function compileCommandsCommand(options: CompileCommandsCommandOptions, context: CommandContext): Promise<number> {
  const { dir, kernel } = await resolveTarget(options, context);
  const { path, entries } = await writeCompileCommands({ dir, kdir: kernel.kdir, release: kernel.release });
  context.stdout.write(`wrote ${path} (${entries.length} file${entries.length === 1 ? "" : "s"})\n`);
  return ExitCode.ok;
}
