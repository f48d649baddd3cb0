import type { Command } from "commander";
import type { ProgramState } from "../program.js";

export function registerScaffoldCommands(_program: Command, _state: ProgramState): void {}
