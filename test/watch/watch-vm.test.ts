// Real `kforge watch --vm --json` sessions: real kbuild, a real 6.1 guest under TCG that stays up,
// real edits of the module's sources. One session walks through every check, so the file boots two
// guests in all (the start and the restart after the oops).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { KFORGE_BIN } from "../helpers/cli.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hello = (body: string) => `#include <linux/module.h>
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

const PROVIDER = readFileSync(new URL("../fixtures/vm/modules/pair/provider.c", import.meta.url), "utf8");
const CONSUMER = readFileSync(new URL("../fixtures/vm/modules/pair/consumer.c", import.meta.url), "utf8");

class WatchRun {
  readonly events: WatchEvent[] = [];
  stderr = "";
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private child: ChildProcess;
  private buffer = "";

  constructor(dir: string, args: string[], temp: string) {
    this.child = spawn(process.execPath, [KFORGE_BIN, "watch", dir, "--json", ...args], { env: { ...process.env, NO_COLOR: "1", TMPDIR: temp }, stdio: ["ignore", "pipe", "pipe"] });
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
    throw new Error(`no matching watch event after #${from}; events:\n${this.events.slice(from).map((event) => JSON.stringify(event).slice(0, 300)).join("\n")}\nstderr:\n${this.stderr}`);
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }
}

const logShows = (text: string) => (event: WatchEvent) => event.event === "kernel-log" && event.lines.some((line) => line.includes(text));
const loadOf = (module: string) => (event: WatchEvent) => event.event === "load" && event.module === module && event.ok;

describe("kforge watch --vm on Debian 6.1 (TCG)", () => {
  it("reloads on change, keeps the old module on a failed build, recovers from an oops, debounces bursts and exits 130 on SIGINT", { timeout: 420_000 }, async () => {
    const dir = join(root, "project");
    const temp = join(root, "tmp");
    mkdirSync(dir, { recursive: true });
    mkdirSync(temp, { recursive: true });
    const source = join(dir, "hello.c");
    writeFileSync(source, hello(`pr_info("hello: v1\\n");`));
    writeFileSync(join(dir, "provider.c"), PROVIDER);
    writeFileSync(join(dir, "consumer.c"), CONSUMER);
    writeFileSync(join(dir, "Kbuild"), "obj-m := hello.o provider.o consumer.o\n");
    writeFileSync(join(dir, "check.sh"), "grep -q '^hello ' /proc/modules && echo hello is loaded\n");
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: ["check.sh"] } }));
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp);
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0);
      expect(watch.events[ready]).toMatchObject({ mode: "vm", release: kernel61().release, accel: "tcg" });
      let at = await watch.waitFor(logShows("hello: v1"), ready);
      at = await watch.waitFor(loadOf("consumer"), ready);
      const firstTest = await watch.waitFor((event) => event.event === "test", ready);
      expect((watch.events[firstTest] as Extract<WatchEvent, { event: "test" }>).step).toMatchObject({ name: "sh ./check.sh", ok: true, output: "hello is loaded\n" });

      // A changed test script is watched too: the tests run again, with no module reloaded.
      let from = watch.events.length;
      writeFileSync(join(dir, "check.sh"), "grep -q '^hello ' /proc/modules && echo hello is still loaded\n");
      const rerun = await watch.waitFor((event) => event.event === "test", from);
      expect((watch.events[rerun] as Extract<WatchEvent, { event: "test" }>).step.output).toBe("hello is still loaded\n");
      expect(watch.events.slice(from, rerun).some((event) => event.event === "unload" || event.event === "load")).toBe(false);

      // A change reloads the changed module only: the old one is unloaded before the new text shows.
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: v2\\n");`));
      const newText = await watch.waitFor(logShows("hello: v2"), from);
      const unload = watch.events.findIndex((event, index) => index >= from && event.event === "unload" && event.module === "hello");
      expect(unload).toBeGreaterThan(-1);
      expect(unload).toBeLessThan(newText);
      expect(watch.events.findIndex((event, index) => index >= from && event.event === "change")).toBeLessThan(unload);
      expect(watch.events.slice(from, newText).filter((event) => event.event === "unload").map((event) => (event as { module: string }).module)).toEqual(["hello"]);
      // A .c edit that leaves symbols alone is rebuilt from kbuild's recorded commands (fast-rebuild.test.ts proves the .ko equal).
      expect(watch.events.slice(from, newText).find((event) => event.event === "build-end")).toMatchObject({ ok: true, path: "fast" });

      // The provider changes: its consumer goes out first and comes back after it.
      from = watch.events.length;
      writeFileSync(join(dir, "provider.c"), PROVIDER.replace("provider: ready", "provider: ready again"));
      at = await watch.waitFor(loadOf("consumer"), from);
      const cycle = watch.events.slice(from, at + 1).filter((event) => event.event === "unload" || event.event === "load");
      expect(cycle.map((event) => `${event.event} ${(event as { module: string }).module}`)).toEqual(["unload consumer", "unload provider", "load provider", "load consumer"]);
      expect(watch.events.slice(from, at + 1).some(logShows("provider: ready again"))).toBe(true);
      expect(watch.events.slice(from, at + 1).find((event) => event.event === "build-end")).toMatchObject({ ok: true, path: "make", fallback: expect.stringContaining("exports symbols") });

      // Ten writes within 200 ms: one build.
      from = watch.events.length;
      for (let count = 0; count < 10; count++) {
        writeFileSync(source, hello(`pr_info("hello: burst ${count}\\n");`));
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
      at = await watch.waitFor(logShows("hello: burst 9"), from);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(watch.events.slice(from).filter((event) => event.event === "build-start")).toHaveLength(1);

      // A syntax error: a failed build with the diagnostic; the old module stays and watch goes on.
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: broken\\n")`));
      const failed = await watch.waitFor((event) => event.event === "build-end", from);
      const end = watch.events[failed] as Extract<WatchEvent, { event: "build-end" }>;
      expect(end.ok).toBe(false);
      expect(end.diagnostics.some((diagnostic) => diagnostic.severity === "error" && diagnostic.file === "hello.c")).toBe(true);
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: fixed\\n");`));
      at = await watch.waitFor(logShows("hello: fixed"), from);
      expect(watch.events.slice(failed, at).filter((event) => event.event === "unload").map((event) => (event as { module: string }).module)).toEqual(["hello"]);

      // An oops in init: a crash report, a fresh guest, and the fixed module loads in it.
      from = watch.events.length;
      writeFileSync(source, hello(`*nowhere = 1;`));
      const crash = await watch.waitFor((event) => event.event === "crash", from);
      expect((watch.events[crash] as Extract<WatchEvent, { event: "crash" }>).crash).toMatchObject({ kind: "null-dereference", module: "hello" });
      const restart = await watch.waitFor((event) => event.event === "guest-restart", crash);
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: after the oops\\n");`));
      await watch.waitFor(logShows("hello: after the oops"), Math.max(from, restart));
      // The fresh guest has none of the modules: all of them load again.
      await watch.waitFor(loadOf("provider"), restart);
      await watch.waitFor(loadOf("consumer"), restart);

      watch.kill("SIGINT");
      const exit = await watch.exited;
      expect(exit.code).toBe(130);
      expect(leftoverProcesses(temp)).toBe("");
      expect(leftoverProcesses(`M=${dir}`)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
