// Commander's parse errors (unknown option or command, missing or invalid argument) in kforge's own
// form: `kforge: error: <what>` and `hint: <what to do>`, naming the command they are about.
import type { Command, CommanderError } from "commander";

export interface UsageReport {
  message: string;
  hint: string;
}

// The command the leading words name: `dkms check --kernel x` is about `kforge dkms check`; an option
// before any command word (`kforge --json build`) is the program's.
export function findCommand(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const word of argv) {
    if (word.startsWith("-")) break;
    const next = command.commands.find((sub) => sub.name() === word || sub.aliases().includes(word));
    if (!next) break;
    command = next;
  }
  return command;
}

const commandPath = (command: Command): string => {
  const names: string[] = [];
  for (let current: Command | null = command; current; current = current.parent) names.unshift(current.name());
  return names.join(" ");
};

export function describeUsageError(error: CommanderError, program: Command, argv: readonly string[]): UsageReport {
  const command = findCommand(program, argv);
  const path = commandPath(command);
  const [first, ...rest] = error.message.replace(/^error: /, "").split("\n");
  const suggestion = /\(Did you mean (.+?)\?\)/.exec(rest.join(" "))?.[1];
  const didYouMean = suggestion ? `did you mean ${suggestion}? ` : "";
  if (error.code === "commander.unknownOption") {
    const options = command.options.map((option) => option.long ?? option.short).filter((name) => name && name !== "--help");
    const known = options.length > 0 ? `${path} takes ${options.join(", ")}` : `${path} takes no options but --help`;
    return { message: `${first} for ${path}`, hint: `${didYouMean}${known}; ${path} --help describes each` };
  }
  if (error.code === "commander.unknownCommand") {
    return { message: first!, hint: `${didYouMean}${path} --help lists the commands` };
  }
  return { message: first!, hint: `${path} --help for usage` };
}
