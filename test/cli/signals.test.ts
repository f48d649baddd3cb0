// SIGINT/SIGTERM through the real CLI: exit codes, messages, and that a stuck command cannot ignore them.
import { execFileSync, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel612 } from "../helpers/kernels.js";

interface SignalledRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  // Milliseconds from the first signal to the process's end.
  afterSignalMs: number;
}

// Whether one of the process's threads sleeps in the kernel opening a FIFO that has no writer: the
// command is past its start (signal handlers on) and stuck.
const opensFifo = (pid: number) =>
  readdirSync(`/proc/${pid}/task`).some((task) => {
    try {
      return readFileSync(`/proc/${pid}/task/${task}/wchan`, "utf8") === "wait_for_partner";
    } catch {
      return false;
    }
  });

// Starts kforge, waits until stderr shows `ready` (or, for a command stuck on a FIFO, until it is: a
// fixed delay would signal a slow start on a loaded machine before its handlers are on), then sends each
// signal `gapMs` apart.
function runAndSignal(
  args: string[],
  cwd: string,
  ready: RegExp | "stuck on the FIFO",
  signals: NodeJS.Signals[],
  gapMs = 500,
): Promise<SignalledRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [KFORGE_BIN, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    let firstSignalAt = 0;
    const safety = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const sendSignals = () => {
      firstSignalAt = Date.now();
      for (const [index, signal] of signals.entries()) setTimeout(() => child.kill(signal), index * gapMs);
    };
    const poll =
      ready === "stuck on the FIFO"
        ? setInterval(() => {
            if (!opensFifo(child.pid!)) return;
            clearInterval(poll);
            sendSignals();
          }, 50)
        : undefined;
    child.stdout.resume();
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      if (!firstSignalAt && ready instanceof RegExp && ready.test(stderr)) sendSignals();
    });
    child.on("error", reject);
    child.on("exit", () => clearInterval(poll));
    child.on("close", (exitCode, signal) => {
      clearTimeout(safety);
      resolve({ exitCode, signal, stderr, afterSignalMs: Date.now() - firstSignalAt });
    });
  });
}

// The shell's view of how a process ended: 128 + signal number when it died of a signal.
function shellStatus(run: { exitCode: number | null; signal: NodeJS.Signals | null }): number | null {
  if (run.signal === "SIGTERM") return 143;
  if (run.signal === "SIGINT") return 130;
  return run.exitCode;
}

let root: string;
let fifo: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-signals-"));
  expect((await runKforge(["new", "sig", "--author", "A"], { cwd: root })).exitCode).toBe(0);
  // Opening a FIFO nobody writes blocks in a libuv worker thread that the abort signal cannot reach:
  // a genuinely stuck command.
  fifo = join(root, "modules.fifo");
  execFileSync("mkfifo", [fifo]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("signals", () => {
  it("SIGTERM stops a running build with exit 143 and no Ctrl-C advice; SIGINT with 130", async () => {
    const build = ["build", "--force", "-k", kernel612().release];
    const terminated = await runAndSignal(build, join(root, "sig"), /building sig/, ["SIGTERM"]);
    expect(terminated.stderr).toContain("kforge: SIGTERM received, stopping\n");
    expect(terminated.stderr).not.toContain("Ctrl-C");
    expect(terminated.exitCode).toBe(143);
    const interrupted = await runAndSignal(build, join(root, "sig"), /building sig/, ["SIGINT"]);
    expect(interrupted.stderr).toContain("SIGINT received, stopping (press Ctrl-C again to force)");
    expect(interrupted.exitCode).toBe(130);
  }, 60_000);

  it("a second SIGTERM ends a stuck command at once", async () => {
    const run = await runAndSignal(["lsmod", "--file", fifo], root, "stuck on the FIFO", ["SIGTERM", "SIGTERM"]);
    expect(shellStatus(run)).toBe(143);
    expect(run.stderr).toContain("SIGTERM received again, exiting now");
    expect(run.afterSignalMs).toBeLessThan(5_000);
  }, 30_000);

  it("a stuck command ends by itself 10 s after a single SIGTERM", async () => {
    const run = await runAndSignal(["lsmod", "--file", fifo], root, "stuck on the FIFO", ["SIGTERM"]);
    expect(shellStatus(run)).toBe(143);
    expect(run.stderr).toContain("still running 10 s after SIGTERM, exiting now");
    expect(run.afterSignalMs).toBeGreaterThanOrEqual(9_500);
    expect(run.afterSignalMs).toBeLessThan(20_000);
  }, 40_000);
});
