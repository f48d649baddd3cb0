// Glue between commander and lazily imported command modules.
import { InvalidArgumentError, type Command } from "commander";
import type { CommandContext, CommandResult } from "../context.js";
import type { ProgramState } from "../program.js";

export type CommandFunction<Options> = (options: Options, context: CommandContext) => CommandResult;

// Wraps a command whose module is imported only when it runs. `toOptions` turns commander's
// positional arguments and parsed flags into the command's options object.
export function lazyAction<Options>(
  state: ProgramState,
  load: () => Promise<CommandFunction<Options>>,
  toOptions: (positional: unknown[], flags: Record<string, unknown>) => Options,
): (...args: unknown[]) => Promise<void> {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const flags = command.opts();
    const positional = args.slice(0, -2);
    const run = await load();
    state.exitCode = await run(toOptions(positional, flags), state.context);
  };
}

// Commander option parser for positive integers.
export function parsePositiveInteger(name: string): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < 1) {
      throw new InvalidArgumentError(`${name} must be a positive whole number, got "${value}"`);
    }
    return parsed;
  };
}

// Commander option parser that refuses an empty value: `-k ''` would otherwise silently mean "the default".
export function parseNonEmpty(name: string): (value: string) => string {
  return (value: string) => {
    if (value.trim() === "")
      throw new InvalidArgumentError(`${name} needs a value, got an empty string (leave the option out to use the default)`);
    return value;
  };
}

// -k/--kernel and --kdir, spelled and validated the same on every command that selects a kernel.
export function addKernelOptions(
  command: Command,
  kernelHelp: string,
  kdirHelp = "kernel build tree to use instead of /lib/modules/<release>/build",
): Command {
  return command
    .option("-k, --kernel <release>", kernelHelp, parseNonEmpty("--kernel"))
    .option("--kdir <path>", kdirHelp, parseNonEmpty("--kdir"));
}

// Options of a command whose one positional argument is the module dir (default: the current dir).
export function withDir<Options>([dir]: unknown[], flags: Record<string, unknown>): Options {
  return { ...flags, dir: dir as string | undefined } as Options;
}
