// A real `kforge watch --vm --json` session on Debian's arm64 6.1 kernel (fetched by scripts/setup.sh):
// cross builds through kbuild's recorded commands, a qemu-system-aarch64 guest under TCG that stays up,
// modules sent over its virtio-serial agent port. One cold boot (~20 s under TCG, more under load) and
// one restore of the state it saved, after an oops; three edits in all.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { armGuestAvailable, foreignKernel61, privateCacheWith } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { createWatchProject, helloSource as hello, logShows, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-arm64-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const available = await armGuestAvailable("arm64");

describe.runIf(available)("kforge watch --vm on Debian's arm64 kernel (qemu-system-aarch64, TCG)", () => {
  it("shows each saved change's message from the arm64 guest, and restores the saved guest after an oops", {
    timeout: 420_000,
  }, async () => {
    const arm64 = foreignKernel61("arm64");
    const cache = privateCacheWith(root, arm64);
    const { dir, temp } = createWatchProject(root, "project", {
      "hello.c": hello(`pr_info("hello: arm64 v1\\n");`),
      Kbuild: "obj-m := hello.o\n",
    });
    const source = join(dir, "hello.c");
    const watch = new WatchRun(dir, ["--kernel", arm64.release], temp, { XDG_CACHE_HOME: cache });
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0, 300_000);
      expect(watch.events[ready]).toMatchObject({ mode: "vm", release: arm64.release, accel: "tcg", start: "booted" });
      await watch.waitFor(logShows("hello: arm64 v1"), ready);

      // A saved change: the cross compile reruns from kbuild's recorded commands, the old module goes out,
      // the new one goes in over the virtio-serial port and its message comes back.
      let from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: arm64 v2\\n");`));
      const newText = await watch.waitFor(logShows("hello: arm64 v2"), from);
      const cycle = watch.events.slice(from, newText + 1);
      expect(cycle.find((event) => event.event === "build-end")).toMatchObject({ ok: true, path: "fast" });
      expect(cycle.filter((event) => event.event === "unload" || event.event === "load").map((event) => event.event)).toEqual([
        "unload",
        "load",
      ]);
      expect(cycle.some(logShows("hello: bye"))).toBe(true);

      // An oops in init: the arm64 report with its function and source line, then the saved guest restored.
      from = watch.events.length;
      writeFileSync(source, hello(`*nowhere = 1;`));
      const crash = await watch.waitFor((event) => event.event === "crash", from);
      const report = (watch.events[crash] as Extract<WatchEvent, { event: "crash" }>).crash;
      expect(report).toMatchObject({ kind: "null-dereference", function: "hello_init", module: "hello", source: "hello.c:6" });
      expect(report?.title).toMatch(/^Unable to handle kernel NULL pointer dereference/);
      const restart = await watch.waitFor((event) => event.event === "guest-restart", crash);
      expect(watch.events[restart]).toMatchObject({ start: "restored" });

      // The next save loads into the restored guest.
      from = watch.events.length;
      writeFileSync(source, hello(`pr_info("hello: arm64 after the oops\\n");`));
      await watch.waitFor(logShows("hello: arm64 after the oops"), Math.max(from, restart));

      from = watch.events.length;
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(watch.events.slice(from).filter((event) => event.event === "unload")).toMatchObject([{ module: "hello", ok: true }]);
      expect(leftoverProcesses(temp)).toBe("");
      expect(leftoverProcesses(`M=${dir}`)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
