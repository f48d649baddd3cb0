// A real `kforge watch --vm` session on Debian's 6.12 (TCG), whose in-tree modules are compressed
// (crc8.ko.xz): a project module that needs one loads it first. One guest boot.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { leftoverProcesses } from "../helpers/processes.js";
import { kernel612 } from "../helpers/kernels.js";
import { createWatchProject, loadOf, logShows, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-in-tree-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const CRCUSER = readFileSync(new URL("../fixtures/vm/modules/in-tree/crcuser.c", import.meta.url), "utf8");

describe("kforge watch --vm with an in-tree dependency on Debian 6.12 (TCG)", () => {
  it("sends the compressed in-tree module decompressed, under the name its load step uses", { timeout: 240_000 }, async () => {
    const { dir, temp } = createWatchProject(root, "crcuser", { "crcuser.c": CRCUSER, Kbuild: "obj-m := crcuser.o\n" });
    const watch = new WatchRun(dir, ["--kernel", kernel612().release, "--accel", "tcg"], temp);
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0, 180_000);
      const dependency = await watch.waitFor((event) => event.event === "load" && event.module === "crc8", ready);
      expect(watch.events[dependency]).toMatchObject({ ok: true, output: "" });
      const own = await watch.waitFor(loadOf("crcuser"), dependency);
      await watch.waitFor(logShows("crcuser: crc8 0x"), dependency);
      expect(own).toBeGreaterThan(dependency);
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(leftoverProcesses(temp)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
