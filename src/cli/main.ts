// The entry point: parses arguments, runs one command, prints errors, and is the only place that
// calls process.exit.
import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { ExitCode, isKforgeError } from "../errors.js";
import { createPalette } from "../ui/color.js";
import { createContext } from "./context.js";
import { createProgram, type ProgramState } from "./program.js";

function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  return String(packageJson.version);
}

// Split at the first bare `--`: what follows is passed through untouched (make variables, module parameters).
export function splitPassThrough(argv: readonly string[]): { own: string[]; extra: string[] } {
  const index = argv.indexOf("--");
  if (index === -1) return { own: [...argv], extra: [] };
  return { own: argv.slice(0, index), extra: argv.slice(index + 1) };
}

function installSignalHandlers(controller: AbortController): void {
  let count = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    count += 1;
    if (count > 1) process.exit(ExitCode.interrupted); // a second Ctrl-C forces the exit
    process.stderr.write(`\nkforge: ${signal} received, stopping (press Ctrl-C again to force)\n`);
    controller.abort(new Error(signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
}

function printError(error: unknown): number {
  const palette = createPalette(process.stderr);
  if (error instanceof CommanderError) {
    if (error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help") {
      return ExitCode.ok;
    }
    return ExitCode.usage; // commander already printed its message
  }
  if (isKforgeError(error)) {
    process.stderr.write(`${palette.red("kforge: error:")} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${palette.dim("hint:")} ${error.hint}\n`);
    return error.exitCode;
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${palette.red("kforge: internal error:")} ${detail}\n`);
  process.stderr.write("This is a bug in kforge; please report it with the command you ran.\n");
  return ExitCode.failed;
}

export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const { own, extra } = splitPassThrough(argv);
  const state: ProgramState = {
    context: createContext({ extraArgs: extra, signal: controller.signal }),
    exitCode: ExitCode.ok,
  };
  const program = createProgram(readVersion(), state);
  installSignalHandlers(controller);
  try {
    await program.parseAsync(own, { from: "user" });
    return state.exitCode;
  } catch (error) {
    return printError(error);
  }
}
