// Builds the commander program. Command modules are imported lazily inside each action so that
// `kforge --version` and `--help` stay fast.
import { Command } from "commander";
import type { CommandContext } from "./context.js";
import { registerBuildCommands } from "./register/build.js";
import { registerCiCommands } from "./register/ci.js";
import { registerKernelCommands } from "./register/kernel.js";
import { registerModuleCommands } from "./register/module.js";
import { registerScaffoldCommands } from "./register/scaffold.js";
import { registerShipCommands } from "./register/ship.js";
import { registerVmCommands } from "./register/vm.js";

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
  registerKernelCommands(program, state);
  registerBuildCommands(program, state);
  registerScaffoldCommands(program, state);
  registerModuleCommands(program, state);
  registerVmCommands(program, state);
  registerShipCommands(program, state);
  registerCiCommands(program, state);
  return program;
}
