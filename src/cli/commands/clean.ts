// `kforge clean [dir]`: kbuild's clean for the module dir, then kforge's build state.
import { relative } from "node:path";
import { ExitCode } from "../../errors.js";
import { cleanModules } from "../../kbuild/clean.js";
import { openProject } from "../../project/project.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import type { CommandContext } from "../context.js";

export interface CleanCommandOptions {
  dir?: string;
  kernel?: string[];
  kdir?: string;
}

export async function cleanCommand(options: CleanCommandOptions, context: CommandContext): Promise<number> {
  const project = await openProject({ ...context, dir: options.dir, flags: options, extraArgsAreMakeVariables: true });
  const kernel = await project.kernel();
  const { dir } = project;
  const result = await cleanModules({ dir, kernel, variables: project.make.variables, signal: context.signal });
  if (result.interrupted) return ExitCode.interrupted;
  if (!result.ok) {
    const palette = createPalette(context.stderr as NodeJS.WriteStream);
    context.stderr.write(formatDiagnostics(result.diagnostics, palette, loadSourceLines(dir, result.diagnostics)));
    context.stderr.write(`${palette.red("clean failed")}: make exited with ${result.exitCode}; kforge's build state was kept\n`);
    return ExitCode.failed;
  }
  const state = result.removedState.length > 0 ? ` and removed ${result.removedState.map((path) => relative(dir, path)).join(", ")}` : "";
  context.stdout.write(`cleaned ${dir} (make clean for ${kernel.release})${state}\n`);
  return ExitCode.ok;
}
