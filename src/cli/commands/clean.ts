// `kforge clean [dir]`: kbuild's clean for the module dir, then kforge's build state.
import { relative, resolve } from "node:path";
import { loadConfig } from "../../config/kforge-json.js";
import { ExitCode } from "../../errors.js";
import { cleanModules } from "../../kbuild/clean.js";
import { objectToVariables, validateMakeVariables } from "../../kbuild/make-arguments.js";
import { selectKernel } from "../../kernel/select.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import type { CommandContext } from "../context.js";

export interface CleanCommandOptions {
  dir?: string;
  kernel?: string;
  kdir?: string;
}

export async function cleanCommand(options: CleanCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  const named = options.kernel !== undefined || options.kdir !== undefined;
  const configKernel = Array.isArray(config.kernel) ? config.kernel[0] : config.kernel;
  const kernel = await selectKernel({
    kernel: named ? options.kernel : configKernel,
    kdir: named ? options.kdir : config.kdir,
    env: context.env,
  });
  const variables = [...objectToVariables(config.make?.variables), ...validateMakeVariables(context.extraArgs)];
  const result = await cleanModules({ dir, kernel, variables, signal: context.signal });
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
