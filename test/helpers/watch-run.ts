// A real `kforge watch --json` process and its NDJSON event stream, for tests that drive it.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { WatchEvent } from "../../src/watch/events.js";
import { KFORGE_BIN } from "./cli.js";

export class WatchRun {
  readonly events: WatchEvent[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private child: ChildProcess;
  private buffer = "";

  // `temp` becomes the process's TMPDIR, so the test can find (and check for leftover) processes by it.
  constructor(dir: string, args: string[], temp: string, env: Record<string, string> = {}) {
    this.child = spawn(process.execPath, [KFORGE_BIN, "watch", dir, "--json", ...args], {
      env: { ...process.env, NO_COLOR: "1", TMPDIR: temp, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child.stdout!.on("data", (chunk) => {
      this.buffer += chunk;
      const lines = this.buffer.split("\n");
      this.buffer = lines.pop() ?? "";
      for (const line of lines) this.events.push(JSON.parse(line) as WatchEvent);
    });
    this.child.stderr!.on("data", (chunk) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.child.on("close", (code, signal) => resolve({ code, signal })));
  }

  // The index of the first event from `from` on that matches.
  async waitFor(match: (event: WatchEvent) => boolean, from: number, timeoutMs = 90_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const index = this.events.findIndex((event, position) => position >= from && match(event));
      if (index !== -1) return index;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(
      `no matching watch event after #${from}; events:\n${this.events
        .slice(from)
        .map((event) => JSON.stringify(event).slice(0, 300))
        .join("\n")}\nstderr:\n${this.stderr}`,
    );
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  get pid(): number {
    return this.child.pid!;
  }
}

export const logShows = (text: string) => (event: WatchEvent) =>
  event.event === "kernel-log" && event.lines.some((line) => line.includes(text));
export const loadOf = (module: string) => (event: WatchEvent) => event.event === "load" && event.module === module && event.ok;

// A one-file module whose init runs `body`; `nowhere` is there for bodies that oops on purpose.
export const helloSource = (body: string) => `#include <linux/module.h>
#include <linux/delay.h>
static int *volatile nowhere;
static int __init hello_init(void)
{
	${body}
	return 0;
}
static void __exit hello_exit(void)
{
	pr_info("hello: bye\\n");
}
module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
`;

// A module dir `root/name` holding `files`, and a temp dir beside it for the watch's TMPDIR.
export function createWatchProject(root: string, name: string, files: Record<string, string>): { dir: string; temp: string } {
  const dir = join(root, name);
  const temp = join(root, `${name}-tmp`);
  mkdirSync(dir, { recursive: true });
  mkdirSync(temp, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return { dir, temp };
}
