// A long-running child (QEMU) started with node's own spawn, an argument array and no shell. It
// is the one process on the warm `kforge vm` path that must start before anything else, and
// importing execa costs 100-160 ms, a tenth of that path; every other tool still runs through
// exec.ts. Same result shape and stop rules as exec.ts: SIGTERM on abort, SIGKILL after a grace
// period, and SIGKILL when kforge itself exits.
import { spawn } from "node:child_process";
import type { RunResult } from "./exec.js";

export interface DaemonOptions {
  signal?: AbortSignal;
  // Hand the terminal to the child (--shell).
  inherit?: boolean;
  // Each stdout line as it arrives.
  onLine?: (line: string) => void;
}

const KILL_GRACE_MS = 2000;

export function startDaemon(file: string, args: readonly string[], options: DaemonOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(file, args, {
    env: { ...process.env, LC_ALL: "C" },
    stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "", all: "" };
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    output.stdout += text;
    output.all += text;
    pending += text;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) options.onLine?.(line);
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString();
    output.all += chunk.toString();
  });
  let canceled = false;
  let forceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    canceled = true;
    child.kill("SIGTERM");
    forceTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
  };
  const onExit = () => child.kill("SIGKILL");
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener("abort", onAbort, { once: true });
  process.once("exit", onExit);
  return new Promise((resolve) => {
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once("error", (error: NodeJS.ErrnoException) => (spawnError = error));
    child.once("close", (exitCode, signal) => {
      clearTimeout(forceTimer);
      options.signal?.removeEventListener("abort", onAbort);
      process.removeListener("exit", onExit);
      if (pending) options.onLine?.(pending);
      resolve({
        command: [file, ...args].join(" "),
        exitCode: exitCode ?? undefined,
        signal: signal ?? undefined,
        ...output,
        failed: spawnError !== undefined || exitCode !== 0,
        notFound: spawnError?.code === "ENOENT" || spawnError?.code === "EACCES",
        canceled,
        timedOut: false,
        durationMs: Math.round(performance.now() - started),
      });
    });
  });
}
