// The entry point: parses arguments, runs one command, prints errors. Only it ends the process: bin/kforge.js
// exits with what main returns, and the signal handlers here force the exit when a command is stuck.
import { CommanderError } from "commander";
import { ExitCode, isKforgeError } from "../errors.js";
import { describeWriteError } from "../fs/write-error.js";
import { createPalette } from "../ui/color.js";
import { createContext, type OutputStream } from "./context.js";
import { jsonFailure } from "./failure.js";
import { createProgram, type ProgramState } from "./program.js";
import { readVersion } from "./version.js";

// A command still running this long after the first signal is stuck (e.g. blocked in a system call
// that ignores the abort signal): the exit is forced so SIGTERM can never be ignored.
export const FORCE_EXIT_AFTER_MS = 10_000;

// Conventional shell exit codes for death by signal: 128 + signal number.
const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: ExitCode.interrupted, SIGTERM: 143, SIGHUP: 129 };

// Split at the first bare `--`: what follows is passed through untouched (make variables, module parameters).
export function splitPassThrough(argv: readonly string[]): { own: string[]; extra: string[] } {
  const index = argv.indexOf("--");
  if (index === -1) return { own: [...argv], extra: [] };
  return { own: argv.slice(0, index), extra: argv.slice(index + 1) };
}

interface SignalState {
  received?: NodeJS.Signals;
}

// Dies of the signal itself, so the shell sees 128 + its number (130, 143). process.exit cannot be used
// here: it waits for libuv's worker threads, and a stuck command is often one blocked in such a thread
// (open() of a FIFO, mkdir in /proc), which would hang the exit too.
function dieOf(signal: NodeJS.Signals, reason: string): void {
  process.stderr.write(`\nkforge: ${reason}, exiting now\n`);
  process.removeAllListeners("SIGINT");
  process.removeAllListeners("SIGTERM");
  process.removeAllListeners("SIGHUP");
  process.kill(process.pid, signal);
}

function installSignalHandlers(controller: AbortController, signals: SignalState): void {
  const onSignal = (signal: NodeJS.Signals) => {
    if (signals.received) return dieOf(signal, `${signal} received again`);
    signals.received = signal;
    const again = signal === "SIGINT" ? " (press Ctrl-C again to force)" : "";
    process.stderr.write(`\nkforge: ${signal} received, stopping${again}\n`);
    controller.abort(new Error(signal));
    const timer = setTimeout(() => dieOf(signal, `still running ${FORCE_EXIT_AFTER_MS / 1000} s after ${signal}`), FORCE_EXIT_AFTER_MS);
    // The timer must not keep a command that finished cleanly from exiting.
    timer.unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  // A closed terminal must not leave a watch's guest or make behind.
  process.on("SIGHUP", onSignal);
}

// Remembers whether a command wrote anything on stdout, so --json can fall back to an error object.
function trackWrites(stream: OutputStream): { stream: OutputStream; written: () => boolean } {
  let written = false;
  const tracked: OutputStream = {
    isTTY: stream.isTTY,
    write(text: string) {
      if (text.length > 0) written = true;
      return stream.write(text);
    },
  };
  return { stream: tracked, written: () => written };
}

interface ErrorReport {
  exitCode: number;
  // What --json prints; undefined when the error is not a failure (help, version).
  json?: { message: string; hint: string | null };
}

function describeCommanderError(error: CommanderError): ErrorReport {
  if (["commander.helpDisplayed", "commander.version", "commander.help"].includes(error.code)) return { exitCode: ExitCode.ok };
  // Commander already printed its message on stderr.
  const message = error.message.replace(/^error: /, "");
  return { exitCode: ExitCode.usage, json: { message, hint: "run the command with --help for usage" } };
}

function printError(thrown: unknown): ErrorReport {
  if (thrown instanceof CommanderError) return describeCommanderError(thrown);
  const palette = createPalette(process.stderr);
  // A full disk or a read-only folder met where no command expected it is still not a bug.
  const error = describeWriteError(thrown) ?? thrown;
  if (isKforgeError(error)) {
    process.stderr.write(`${palette.red("kforge: error:")} ${error.message}\n`);
    if (error.hint) process.stderr.write(`${palette.dim("hint:")} ${error.hint}\n`);
    return { exitCode: error.exitCode, json: { message: error.message, hint: error.hint ?? null } };
  }
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`${palette.red("kforge: internal error:")} ${detail}\n`);
  process.stderr.write("This is a bug in kforge; please report it with the command you ran.\n");
  const message = `internal error: ${error instanceof Error ? error.message : String(error)}`;
  return { exitCode: ExitCode.failed, json: { message, hint: "this is a bug in kforge; please report it with the command you ran" } };
}

// After a signal, a failed command reports the signal's exit code (130 for SIGINT, 143 for SIGTERM).
function signalExitCode(exitCode: number, signals: SignalState): number {
  if (!signals.received || exitCode === ExitCode.ok) return exitCode;
  return SIGNAL_EXIT_CODES[signals.received] ?? exitCode;
}

export async function main(argv: readonly string[]): Promise<number> {
  const controller = new AbortController();
  const signals: SignalState = {};
  const { own, extra } = splitPassThrough(argv);
  const stdout = trackWrites(process.stdout);
  const state: ProgramState = {
    context: createContext({ extraArgs: extra, signal: controller.signal, stdout: stdout.stream }),
    exitCode: ExitCode.ok,
  };
  const program = createProgram(readVersion(), state);
  installSignalHandlers(controller, signals);
  try {
    await program.parseAsync(own, { from: "user" });
    return signalExitCode(state.exitCode, signals);
  } catch (error) {
    const report = printError(error);
    // With --json, stdout carries exactly one JSON object even when the command failed before writing one.
    if (report.json && own.includes("--json") && !stdout.written()) {
      process.stdout.write(`${JSON.stringify(jsonFailure(report.json))}\n`);
    }
    return signalExitCode(report.exitCode, signals);
  }
}
