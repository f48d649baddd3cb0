// What every command function receives besides its options, so tests can call commands directly
// with their own cwd, output sinks and abort signal.

import type { OutputStream } from "../ui/output-stream.js";

export type { OutputStream };

export interface CommandContext {
  cwd: string;
  // Arguments after a bare `--` (make variables for build, module parameters for load and vm).
  extraArgs: string[];
  stdout: OutputStream;
  stderr: OutputStream;
  // Aborted on Ctrl-C or SIGTERM.
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export function createContext(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    cwd: process.cwd(),
    extraArgs: [],
    stdout: process.stdout,
    stderr: process.stderr,
    signal: new AbortController().signal,
    env: process.env,
    ...overrides,
  };
}

// Commands resolve to the process exit code; failures with a diagnosis throw a KforgeError instead.
export type CommandResult = Promise<number>;
