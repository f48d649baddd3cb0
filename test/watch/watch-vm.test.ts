// Real `kforge watch --vm --json` sessions: real kbuild, a real 6.1 guest under TCG that stays up,
// real edits of the module's sources. One session walks through every check, so the file boots two
// guests in all (the start and the restart after the oops).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { kernel61 } from "../helpers/kernels.js";
import { createWatchProject, helloSource as hello, loadOf, logShows, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PROVIDER = readFileSync(new URL("../fixtures/vm/modules/pair/provider.c", import.meta.url), "utf8");
const CONSUMER = readFileSync(new URL("../fixtures/vm/modules/pair/consumer.c", import.meta.url), "utf8");

describe("kforge watch --vm on Debian 6.1 (TCG)", () => {
  it("reloads on change, keeps the old module on a failed build, recovers from an oops, debounces bursts and exits 130 on SIGINT", {
    timeout: 420_000,
  }, async () => {
    const { dir, temp } = createWatchProject(root, "project", {
      "hello.c": hello(`pr_info("hello: v1\\n");`),
      "provider.c": PROVIDER,
      "consumer.c": CONSUMER,
      Kbuild: "obj-m := hello.o provider.o consumer.o\n",
      "check.sh": "grep -q '^hello ' /proc/modules && echo hello is loaded\n",
      "kforge.json": JSON.stringify({ vm: { test: ["check.sh"] } }),
    });
    const source = join(dir, "hello.c");
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp);
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0);
      expect(watch.events[ready]).toMatchObject({ mode: "vm", release: kernel61().release, accel: "tcg" });
      let at = await watch.waitFor(logShows("hello: v1"), ready);
      at = await watch.waitFor(loadOf("consumer"), ready);
      const firstTest = await watch.waitFor((event) => event.event === "test", ready);
      expect((watch.events[firstTest] as Extract<WatchEvent, { event: "test" }>).step).toMatchObject({
        name: "sh ./check.sh",
        ok: true,
        output: "hello is loaded\n",
      });

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
      expect(
        watch.events
          .slice(from, newText)
          .filter((event) => event.event === "unload")
          .map((event) => (event as { module: string }).module),
      ).toEqual(["hello"]);
      // A .c edit that leaves symbols alone is rebuilt from kbuild's recorded commands (fast-rebuild.test.ts proves the .ko equal).
      expect(watch.events.slice(from, newText).find((event) => event.event === "build-end")).toMatchObject({ ok: true, path: "fast" });

      // The provider changes: its consumer goes out first and comes back after it.
      from = watch.events.length;
      writeFileSync(join(dir, "provider.c"), PROVIDER.replace("provider: ready", "provider: ready again"));
      at = await watch.waitFor(loadOf("consumer"), from);
      const cycle = watch.events.slice(from, at + 1).filter((event) => event.event === "unload" || event.event === "load");
      expect(cycle.map((event) => `${event.event} ${(event as { module: string }).module}`)).toEqual([
        "unload consumer",
        "unload provider",
        "load provider",
        "load consumer",
      ]);
      expect(watch.events.slice(from, at + 1).some(logShows("provider: ready again"))).toBe(true);
      expect(watch.events.slice(from, at + 1).find((event) => event.event === "build-end")).toMatchObject({
        ok: true,
        path: "make",
        fallback: expect.stringContaining("exports symbols"),
      });

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
      expect(
        watch.events
          .slice(failed, at)
          .filter((event) => event.event === "unload")
          .map((event) => (event as { module: string }).module),
      ).toEqual(["hello"]);

      // An oops in init: a crash report, a fresh guest, and the fixed module loads in it.
      from = watch.events.length;
      writeFileSync(source, hello(`*nowhere = 1;`));
      const crash = await watch.waitFor((event) => event.event === "crash", from);
      expect((watch.events[crash] as Extract<WatchEvent, { event: "crash" }>).crash).toMatchObject({
        kind: "null-dereference",
        module: "hello",
      });
      const restart = await watch.waitFor((event) => event.event === "guest-restart", crash);
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: after the oops\\n");`));
      await watch.waitFor(logShows("hello: after the oops"), Math.max(from, restart));
      // The fresh guest has none of the modules: all of them load again.
      await watch.waitFor(loadOf("provider"), restart);
      await watch.waitFor(loadOf("consumer"), restart);

      from = watch.events.length;
      watch.kill("SIGINT");
      const exit = await watch.exited;
      expect(exit.code).toBe(130);
      // Quitting unloads every module, dependents first, before the guest is powered off.
      const unloads = watch.events.slice(from).flatMap((event) => (event.event === "unload" ? [`${event.module} ${event.ok}`] : []));
      expect([...unloads].sort()).toEqual(["consumer true", "hello true", "provider true"]);
      expect(unloads.indexOf("consumer true")).toBeLessThan(unloads.indexOf("provider true"));
      expect(leftoverProcesses(temp)).toBe("");
      expect(leftoverProcesses(`M=${dir}`)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
