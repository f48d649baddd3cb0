// Builds the commander program. Command modules are imported lazily inside each action so that
// `kforge --version` and `--help` stay fast.
import { Command } from "commander";
import type { CommandContext } from "./context.js";
import { BUILD_COMMANDS } from "./register/build.js";
import { CHECK_COMMANDS } from "./register/check.js";
import { CI_COMMANDS } from "./register/ci.js";
import { registerCommands } from "./register/command-spec.js";
import { DOCTOR_COMMANDS } from "./register/doctor.js";
import { KERNEL_COMMANDS } from "./register/kernel.js";
import { MODULE_COMMANDS } from "./register/module.js";
import { SCAFFOLD_COMMANDS } from "./register/scaffold.js";
import { SHIP_COMMANDS } from "./register/ship.js";
import { VM_COMMANDS } from "./register/vm.js";

// The command tree, in the order --help lists it.
export const COMMAND_GROUPS = [
  KERNEL_COMMANDS,
  DOCTOR_COMMANDS,
  BUILD_COMMANDS,
  CHECK_COMMANDS,
  SCAFFOLD_COMMANDS,
  MODULE_COMMANDS,
  VM_COMMANDS,
  SHIP_COMMANDS,
  CI_COMMANDS,
];

export interface ProgramState {
  context: CommandContext;
  // Set by the action that ran; the entry point exits with it.
  exitCode: number;
}

export function createProgram(version: string, state: ProgramState): Command {
  const program = new Command("kforge")
    .description("Build, load and test out-of-tree Linux kernel modules")
    .version(version, "-V, --version", "print the kforge version")
    // Throw instead of exiting, and print nothing: only the entry point prints errors (with a hint naming
    // the command) and exits. Set before adding commands so they inherit it.
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .addHelpText(
      "after",
      "\nArguments after a bare -- go to make (build) or to the module as parameters (load, vm).\n" +
        "Exit codes: 0 success, 1 build/load/test failed, 2 usage or environment error, 130 interrupted.",
    );
  for (const group of COMMAND_GROUPS) registerCommands(program, group, state);
  return program;
}
