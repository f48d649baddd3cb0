// A real `kforge watch --vm --json` session on a 6.1 guest under TCG: the files a cycle's tests write
// under $KFORGE_ARTIFACTS come back after the tests as an "artifacts" event, into the dir kforge vm
// uses, and the next cycle's files replace them: what the last cycle wrote, nothing older, on the
// host as in the guest that stays up.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { createWatchProject, helloSource, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-artifacts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const artifactsOf = (event: WatchEvent) => (event as Extract<WatchEvent, { event: "artifacts" }>).artifacts;

describe("kforge watch --vm artifacts on Debian 6.1 (TCG)", () => {
  it("copies each cycle's files back after its tests, replacing the previous cycle's", { timeout: 240_000 }, async () => {
    const release = kernel61().release;
    const { dir, temp } = createWatchProject(root, "project", {
      "hello.c": helloSource(`pr_info("hello: loaded\\n");`),
      Kbuild: "obj-m := hello.o\n",
      "check.sh":
        'echo first > "$KFORGE_ARTIFACTS/cycle.txt"; mkdir -p "$KFORGE_ARTIFACTS/old"; echo old > "$KFORGE_ARTIFACTS/old/only-first.txt"\n',
      "kforge.json": JSON.stringify({ vm: { test: ["check.sh"] } }),
    });
    const out = join(dir, ".kforge", "vm-out", release);
    const watch = new WatchRun(dir, ["--kernel", release, "--accel", "tcg"], temp);
    try {
      const first = await watch.waitFor((event) => event.event === "artifacts", 0, 150_000);
      expect(artifactsOf(watch.events[first]!)).toMatchObject({
        status: "collected",
        dir: out,
        partial: false,
        files: [
          { path: "cycle.txt", bytes: 6 },
          { path: "old/only-first.txt", bytes: 4 },
        ],
      });
      expect(readFileSync(join(out, "cycle.txt"), "utf8")).toBe("first\n");
      expect(readFileSync(join(out, "old", "only-first.txt"), "utf8")).toBe("old\n");

      // A changed test script reruns the tests: only what they wrote this time comes back.
      writeFileSync(join(dir, "check.sh"), 'echo second > "$KFORGE_ARTIFACTS/cycle.txt"; exit 1\n');
      const second = await watch.waitFor((event) => event.event === "artifacts", first + 1, 60_000);
      expect(artifactsOf(watch.events[second]!)).toMatchObject({
        status: "collected",
        files: [{ path: "cycle.txt", bytes: 7 }],
        partial: true,
        partialReason: '"sh ./check.sh" failed',
      });
      expect(readFileSync(join(out, "cycle.txt"), "utf8")).toBe("second\n");
      expect(existsSync(join(out, "old"))).toBe(false);
    } finally {
      watch.kill("SIGINT");
      await watch.exited;
    }
  });

  it("refuses --artifacts with --host, whose steps write on the host itself", async () => {
    const { dir } = createWatchProject(root, "host", { Kbuild: "obj-m := hello.o\n", "hello.c": helloSource("") });
    const run = await runKforge(["watch", dir, "--host", "--artifacts", "out"]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("--artifacts copies files back from a guest");
  });
});
