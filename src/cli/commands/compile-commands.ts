// `kforge compile-commands [dir]`: compile_commands.json from the kernel's build's kbuild .cmd files.
import { writeCompileCommands } from "../../editor/compile-commands.js";
import { ExitCode } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { openProjectKernel } from "../project-kernel.js";

export interface CompileCommandsCommandOptions {
  dir?: string;
  kernel?: string[];
  kdir?: string;
}

export async function compileCommandsCommand(options: CompileCommandsCommandOptions, context: CommandContext): Promise<number> {
  const { project, kernel, built } = await openProjectKernel(options, context);
  const { path, entries } = await writeCompileCommands({ dir: project.dir, buildDir: built, kdir: kernel.kdir, release: kernel.release });
  context.stdout.write(`wrote ${path} (${entries.length} file${entries.length === 1 ? "" : "s"})\n`);
  return ExitCode.ok;
}
