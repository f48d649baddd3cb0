// Commands as data, registered from the option table: each command names the options it takes, and
// the flag, help text and parser come from src/project/options.ts. Command modules are imported only
// when their command runs, so `kforge --version` and `--help` stay fast.
import { type Command, InvalidArgumentError, Option } from "commander";
import { isKforgeError } from "../../errors.js";
import { type OptionName, OPTIONS } from "../../project/options.js";
import type { CommandContext, CommandResult } from "../context.js";
import type { ProgramState } from "../program.js";

export type CommandFunction<Options> = (options: Options, context: CommandContext) => CommandResult;

// An option by name, or with the help text this command needs instead (--force, --json and --vm
// mean a command's own thing).
export type OptionUse = OptionName | [OptionName, string];

export interface CommandSpec {
  // commander's name and arguments, e.g. "build [dir]".
  name: string;
  description: string;
  // Arguments with their help: [name as in "<name>", help]; else they are written in `name`.
  arguments?: [string, string][];
  options?: OptionUse[];
  helpAfter?: string;
  // The command function, imported when it runs; a group (kernel, dkms, ci) has subcommands instead.
  // biome-ignore lint/suspicious/noExplicitAny: each command types its own options
  load?: () => Promise<CommandFunction<any>>;
  // Positional arguments and flags to the command's options; default: the flags plus `dir`.
  toOptions?: (positional: unknown[], flags: Record<string, unknown>) => unknown;
  subcommands?: CommandSpec[];
}

// The options of a command whose one positional argument is the module dir (default: the current dir).
export const withDir = ([dir]: unknown[], flags: Record<string, unknown>) => ({ ...flags, dir: dir as string | undefined });

export function createOption(use: OptionUse): Option {
  const [name, help] = typeof use === "string" ? [use, undefined] : use;
  const spec = OPTIONS[name] as { flags: string; help: string; parse?: (value: string, previous: unknown) => unknown };
  const option = new Option(spec.flags, help ?? spec.help);
  const parse = spec.parse;
  if (parse) {
    option.argParser((value: string, previous: unknown) => {
      try {
        return parse(value, previous);
      } catch (error) {
        // commander prints its own "option ... is invalid" line around the same message.
        if (isKforgeError(error)) throw new InvalidArgumentError(error.message);
        throw error;
      }
    });
  }
  return option;
}

export function registerCommands(parent: Command, specs: readonly CommandSpec[], state: ProgramState): void {
  for (const spec of specs) {
    const command = parent.command(spec.name).description(spec.description);
    for (const [argument, help] of spec.arguments ?? []) command.argument(argument, help);
    for (const use of spec.options ?? []) command.addOption(createOption(use));
    if (spec.helpAfter) command.addHelpText("after", `\n${spec.helpAfter}`);
    if (spec.subcommands) registerCommands(command, spec.subcommands, state);
    const load = spec.load;
    if (!load) continue;
    const toOptions = spec.toOptions ?? withDir;
    command.action(async (...args: unknown[]) => {
      const flags = (args[args.length - 1] as Command).opts();
      const run = await load();
      state.exitCode = await run(toOptions(args.slice(0, -2), flags), state.context);
    });
  }
}
