// Typed errors: every failure carries the exit code the CLI returns and a hint saying what to do next.
// Only the entry point (src/cli/main.ts) prints them and exits.

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class KforgeError extends Error {
  readonly exitCode: number;
  readonly hint: string | undefined;

  constructor(message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.exitCode = options.exitCode ?? ExitCode.failed;
    this.hint = options.hint;
  }
}

// Bad flags, bad arguments, invalid kforge.json: exit 2.
export class UsageError extends KforgeError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint });
  }
}

// The machine lacks something (headers, a tool, permissions): exit 2.
export class EnvironmentError extends KforgeError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: ExitCode.usage, hint });
  }
}

// Ctrl-C or SIGTERM: exit 130.
export class InterruptedError extends KforgeError {
  constructor(message = "interrupted") {
    super(message, { exitCode: ExitCode.interrupted });
  }
}

export function isKforgeError(error: unknown): error is KforgeError {
  return error instanceof KforgeError;
}
