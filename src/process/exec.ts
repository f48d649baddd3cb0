// The only module that imports execa: every external tool runs through here, with an argument
// array (never a shell string), LC_ALL=C so tool output is parseable, and cancellation by AbortSignal.
// QEMU alone starts through daemon.ts. execa is imported on first use: the import costs 100-160 ms,
// which a warm `kforge vm` then spends while the guest restores.
let execaModule: Promise<typeof import("execa")> | undefined;
const loadExeca = () => (execaModule ??= import("execa"));

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
  input?: string | Buffer;
  timeoutMs?: number;
  // Called for every line of stdout and stderr, interleaved in arrival order.
  onLine?: (line: string, stream: "stdout" | "stderr") => void;
  // Give stdin/stdout/stderr to the child (interactive use).
  inherit?: boolean;
  // Run the child in its own process group and stop the whole group (make and every compiler it
  // started) on abort or when kforge exits; signalling only the leader can leave orphans behind.
  processGroup?: boolean;
}

export interface RunResult {
  command: string;
  exitCode: number | undefined;
  signal: string | undefined;
  stdout: string;
  stderr: string;
  // stdout and stderr interleaved as they arrived.
  all: string;
  failed: boolean;
  // The executable could not be started at all (ENOENT, EACCES).
  notFound: boolean;
  canceled: boolean;
  timedOut: boolean;
  durationMs: number;
}

export async function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const { execa } = await loadExeca();
  const subprocess = execa(file, args, {
    cwd: options.cwd,
    env: { ...options.env, LC_ALL: "C" },
    extendEnv: true,
    reject: false,
    all: true,
    cancelSignal: options.processGroup ? undefined : options.signal,
    detached: options.processGroup === true,
    // On abort: SIGTERM first, SIGKILL after a grace period.
    forceKillAfterDelay: 2000,
    cleanup: true,
    timeout: options.timeoutMs,
    input: options.input,
    stdio: options.inherit ? "inherit" : undefined,
    stripFinalNewline: false,
    lines: false,
  });
  if (options.onLine && !options.inherit) {
    forwardLines(subprocess.stdout, (line) => options.onLine?.(line, "stdout"));
    forwardLines(subprocess.stderr, (line) => options.onLine?.(line, "stderr"));
  }
  const stopGroup = options.processGroup ? watchProcessGroup(subprocess.pid, options.signal) : undefined;
  const result = await subprocess;
  const groupCanceled = stopGroup?.() ?? false;
  const code = (result as { code?: string }).code;
  return {
    command: result.escapedCommand,
    exitCode: result.exitCode,
    signal: result.signal,
    stdout: String(result.stdout ?? ""),
    stderr: String(result.stderr ?? ""),
    all: String(result.all ?? ""),
    failed: result.failed,
    notFound: code === "ENOENT" || code === "EACCES",
    canceled: result.isCanceled || groupCanceled,
    timedOut: result.timedOut,
    durationMs: Math.round(performance.now() - started),
  };
}

const GROUP_KILL_GRACE_MS = 2000;

// Signals the child's process group on abort (SIGTERM, then SIGKILL after a grace period) and on
// kforge's own exit. Returns a function to call once the leader exited: it reaps any straggler in
// the group and says whether the run was aborted.
function watchProcessGroup(pid: number | undefined, signal: AbortSignal | undefined): () => boolean {
  if (pid === undefined) return () => false;
  const signalGroup = (name: NodeJS.Signals) => {
    try {
      process.kill(-pid, name);
    } catch {
      // the group is already gone
    }
  };
  let forceTimer: NodeJS.Timeout | undefined;
  const onAbort = () => {
    signalGroup("SIGTERM");
    forceTimer = setTimeout(() => signalGroup("SIGKILL"), GROUP_KILL_GRACE_MS);
  };
  const onExit = () => signalGroup("SIGKILL");
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  process.once("exit", onExit);
  return () => {
    clearTimeout(forceTimer);
    signal?.removeEventListener("abort", onAbort);
    process.removeListener("exit", onExit);
    const aborted = signal?.aborted ?? false;
    if (aborted) signalGroup("SIGKILL");
    return aborted;
  };
}

function forwardLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (!stream) return;
  let pending = "";
  stream.on("data", (chunk: Buffer | string) => {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) onLine(line);
  });
  stream.on("end", () => {
    if (pending) onLine(pending);
    pending = "";
  });
}

// The path of an executable on PATH, or undefined. A name with a slash (CHECK=/opt/bin/sparse) is a
// path itself, as for a shell.
export async function which(name: string): Promise<string | undefined> {
  const { access, constants } = await import("node:fs/promises");
  const { delimiter, join } = await import("node:path");
  if (name.includes("/"))
    return access(name, constants.X_OK).then(
      () => name,
      () => undefined,
    );
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}
