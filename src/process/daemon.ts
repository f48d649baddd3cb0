// A long-running child (QEMU) started with node's own spawn, an argument array and no shell. It
// is the one process on the warm `kforge vm` path that must start before anything else, and
// importing execa costs 100-160 ms, a tenth of that path; every other tool still runs through
// exec.ts. Same result shape and stop rules as exec.ts: SIGTERM on abort, SIGKILL after a grace
// period, and SIGKILL when kforge itself exits. Killed itself (SIGKILL, the OOM killer), kforge
// cannot stop the child, so the child is started through util-linux's setpriv with a parent-death
// signal: the kernel kills it when kforge dies. Its output is never held whole: lines go to
// `onLine` as they arrive (a guest can print without end), and only the first KEPT_CHARS of each
// stream stay in the result, which is what error messages need.
import { spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import type { RunResult } from "./exec.js";
import { LineSplitter } from "./line-splitter.js";

export interface DaemonOptions {
  signal?: AbortSignal;
  // Hand the terminal to the child (--shell).
  inherit?: boolean;
  // Each stdout line as it arrives; `cut` when it was longer than MAX_LINE_CHARS (the rest is dropped).
  onLine?: (line: string, cut: boolean) => void;
}

const KILL_GRACE_MS = 2000;
export const MAX_LINE_CHARS = 4096;
const KEPT_CHARS = 64 * 1024;
const SETPRIV_PATHS = ["/usr/bin/setpriv", "/bin/setpriv"];
let setpriv: string | null | undefined;

// setpriv's path, looked up once (util-linux is essential on Debian; elsewhere it may be missing).
function findSetpriv(): string | null {
  if (setpriv === undefined) setpriv = SETPRIV_PATHS.find((path) => isExecutable(path)) ?? null;
  return setpriv;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The command that runs `file` with SIGKILL as its parent-death signal, when setpriv is there. A
// file that cannot run is spawned as it is, so that spawn reports it (notFound).
export function withParentDeathSignal(file: string, args: readonly string[]): { file: string; args: string[] } {
  const guard = file.startsWith("/") && isExecutable(file) ? findSetpriv() : null;
  return guard ? { file: guard, args: ["--pdeathsig", "KILL", "--", file, ...args] } : { file, args: [...args] };
}

const keep = (kept: string, text: string) => (kept.length >= KEPT_CHARS ? kept : kept + text.slice(0, KEPT_CHARS - kept.length));

export function startDaemon(file: string, args: readonly string[], options: DaemonOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const guarded = withParentDeathSignal(file, args);
  const child = spawn(guarded.file, guarded.args, {
    env: { ...process.env, LC_ALL: "C" },
    stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
  });
  const output = { stdout: "", stderr: "", all: "" };
  const decoders = { stdout: new StringDecoder("utf8"), stderr: new StringDecoder("utf8") };
  const lines = new LineSplitter(MAX_LINE_CHARS, (line, cut) => options.onLine?.(line, cut));
  const receive = (stream: "stdout" | "stderr", text: string) => {
    output[stream] = keep(output[stream], text);
    output.all = keep(output.all, text);
    if (stream === "stdout") lines.push(text);
  };
  child.stdout?.on("data", (chunk: Buffer) => receive("stdout", decoders.stdout.write(chunk)));
  child.stderr?.on("data", (chunk: Buffer) => receive("stderr", decoders.stderr.write(chunk)));
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
      receive("stdout", decoders.stdout.end());
      receive("stderr", decoders.stderr.end());
      lines.flush();
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
