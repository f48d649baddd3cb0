// The restart paths of `kforge watch --vm` with a real 6.1 guest under TCG and real kbuild: a load
// whose init never returns (past --timeout), QEMU killed during a load, and QEMU killed while watch
// waits for a change. Each gives a `crash` then a `guest-restart`, and the next fixed source loads in
// the fresh guest. One session walks through all three: four boots in all (the start, three restarts).
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { kernel61 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { createWatchProject, helloSource as hello, loadOf, logShows, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-restart-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The guest's QEMU: its temp dir (initramfs, agent socket) is under the watch's TMPDIR.
function killQemu(temp: string): void {
  const pids = execFileSync("pgrep", ["-f", `qemu-system.*${temp}`], { encoding: "utf8" })
    .trim()
    .split("\n");
  expect(pids).toHaveLength(1);
  process.kill(Number(pids[0]), "SIGKILL");
}

type Crash = Extract<WatchEvent, { event: "crash" }>;

describe("kforge watch --vm restarts the guest (Debian 6.1, TCG)", () => {
  it("after a hung load, QEMU killed during a load and QEMU killed while idle, and goes on watching", { timeout: 600_000 }, async () => {
    const { dir, temp } = createWatchProject(root, "project", {
      "hello.c": hello(`pr_info("hello: v1\\n");`),
      Kbuild: "obj-m := hello.o\n",
    });
    const source = join(dir, "hello.c");
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg", "--timeout", "30"], temp);
    try {
      let at = await watch.waitFor(logShows("hello: v1"), 0, 150_000);

      // An init that never returns: after --timeout, a crash naming the hang, then a fresh guest.
      let from = watch.events.length;
      writeFileSync(source, hello(`for (;;) msleep(1000);`));
      at = await watch.waitFor((event) => event.event === "crash", from, 150_000);
      expect((watch.events[at] as Crash).diagnosis).toMatch(/module init never returned: "insmod hello" was still running after \d+\.\d s/);
      expect(watch.events.slice(from, at).some((event) => event.event === "load")).toBe(true);
      at = await watch.waitFor((event) => event.event === "guest-restart", at, 150_000);
      expect((watch.events[at] as Extract<WatchEvent, { event: "guest-restart" }>).bootMs).toBeGreaterThan(0);
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: after the hang\\n");`));
      at = await watch.waitFor(logShows("hello: after the hang"), from);
      expect(watch.events.slice(from, at).some(loadOf("hello"))).toBe(true);

      // QEMU killed while insmod waits for a slow init: the step ends with QEMU gone.
      from = watch.events.length;
      writeFileSync(source, hello(`msleep(25000); pr_info("hello: slow\\n");`));
      const built = await watch.waitFor((event) => event.event === "build-end" && event.ok, from);
      // Past the unload of the old module and the transfer of the new one, well inside the 25 s init.
      await watch.waitFor((event) => event.event === "unload" && event.module === "hello", built);
      await new Promise((resolve) => setTimeout(resolve, 8000));
      killQemu(temp);
      at = await watch.waitFor((event) => event.event === "crash", built);
      expect((watch.events[at] as Crash).diagnosis).toBe(`QEMU exited during "insmod hello"`);
      at = await watch.waitFor((event) => event.event === "guest-restart", at, 150_000);

      // QEMU killed between cycles: the next change reports it, boots a fresh guest, loads there.
      killQemu(temp);
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: fixed\\n");`));
      const lost = await watch.waitFor((event) => event.event === "crash", from, 150_000);
      expect((watch.events[lost] as Crash).diagnosis).toContain("QEMU exited while watch waited for a change");
      const restart = await watch.waitFor((event) => event.event === "guest-restart", lost, 150_000);
      at = await watch.waitFor(logShows("hello: fixed"), restart);
      expect(watch.events.slice(restart, at).some(loadOf("hello"))).toBe(true);
      expect(watch.events.filter((event) => event.event === "error")).toEqual([]);

      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(leftoverProcesses(temp)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
