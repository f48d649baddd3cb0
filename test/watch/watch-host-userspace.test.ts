// `kforge watch --vm` with the host's userspace (vm.userspace "host"): a real 6.1 guest under TCG
// running the chardev template's driver, whose test step is a C client built here with the host's
// gcc; after a change on the host, the reload reruns the step, which sees the project as it is now.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { WatchEvent } from "../../src/watch/events.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { loadOf, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-host-userspace-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const testOf = (output: RegExp) => (event: WatchEvent) =>
  event.event === "test" && event.step.name === "./client" && event.step.ok && output.test(event.step.output);

describe("kforge watch --vm --userspace host on Debian 6.1 (TCG)", () => {
  const dir = join(root, "echodev");
  const temp = join(root, "temp");

  it("runs the host's client after each reload, seeing what changed on the host", { timeout: 300_000 }, async () => {
    mkdirSync(temp);
    const created = await runKforge(["new", "echodev", "--template", "chardev", "--dir", dir]);
    expect(created.exitCode, created.stderr).toBe(0);
    const client = new URL("../fixtures/vm/host-userspace/client.c", import.meta.url).pathname;
    execFileSync("gcc", ["-Wall", "-Werror", "-o", join(dir, "client"), client]);
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { userspace: "host", test: ["./client"] } }));
    const cache = join(root, "cache");
    mkdirSync(join(cache, "kforge"), { recursive: true });
    symlinkSync(join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels"), join(cache, "kforge", "kernels"));
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp, { XDG_CACHE_HOME: cache });
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0, 180_000);
      const first = await watch.waitFor(testOf(/^read back: written by the host's client/m), ready);
      // The client changes on the host (a script now), then the driver's source: the reload reruns it.
      writeFileSync(join(dir, "client"), "#!/bin/sh\ncat /dev/echodev; echo ' and changed on the host'\n", { mode: 0o755 });
      const source = join(dir, "echodev.c");
      writeFileSync(source, readFileSync(source, "utf8").replace('pr_info("created', 'pr_info("changed, created'));
      const reloaded = await watch.waitFor(loadOf("echodev"), first + 1);
      // The new driver's buffer starts empty: the script's own words alone.
      await watch.waitFor(testOf(/^ and changed on the host$/m), reloaded);
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(leftoverProcesses(temp)).toBe("");
      expect(leftoverProcesses(dir)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });

  it("refuses --userspace with --host", async () => {
    const host = await runKforge(["watch", root, "--host", "--userspace", "host"]);
    expect(host.exitCode).toBe(2);
    expect(host.stderr).toContain("--userspace picks where a guest's test steps run");
  });
});
