import type { Command } from "commander";
import type { ProgramState } from "../program.js";

export function registerBuildCommands(_program: Command, _state: ProgramState): void {}
