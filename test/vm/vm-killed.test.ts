// kforge killed with SIGKILL (no handler, no finally block) in the middle of a real guest run: the
// kernel kills its QEMU with it (setpriv's parent-death signal), and the next run removes the temp
// dirs the dead run left. Both for `kforge vm` and `kforge watch`, under one private TMPDIR.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { loadOf, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-killed-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilGone(marker: string): Promise<string> {
  const deadline = Date.now() + 5000;
  while (leftoverProcesses(marker) && Date.now() < deadline) await sleep(100);
  return leftoverProcesses(marker);
}

describe("kforge killed with SIGKILL mid-run (Debian 6.1, TCG)", () => {
  it("leaves no QEMU behind, and the next run removes the dead runs' temp dirs", { timeout: 400_000 }, async () => {
    const dir = join(root, "greet");
    cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
    const temp = join(root, "tmp");
    mkdirSync(temp);
    const env = { ...process.env, NO_COLOR: "1", CI: "true", TMPDIR: temp };

    // kforge vm, during a test step.
    const vm = spawn(process.execPath, [KFORGE_BIN, "vm", dir, "--kernel", kernel61().release, "--accel", "tcg", "--exec", "sleep 120"], {
      env,
    });
    let stderr = "";
    vm.stderr.on("data", (chunk) => (stderr += chunk));
    while (!stderr.includes("... sleep 120") && vm.exitCode === null) await sleep(100);
    await sleep(1000);
    expect(leftoverProcesses(temp), stderr).toContain("qemu-system");
    vm.kill("SIGKILL");
    expect(await waitUntilGone(temp)).toBe("");
    expect(readdirSync(temp)).toEqual([expect.stringMatching(new RegExp(`^kforge-vm-${vm.pid}-`))]);

    // kforge watch, with the module loaded in its guest.
    const watch = new WatchRun(dir, ["--kernel", kernel61().release, "--accel", "tcg"], temp);
    await watch.waitFor(loadOf("greet"), 0, 150_000);
    watch.kill("SIGKILL");
    expect(await waitUntilGone(temp)).toBe("");
    // Its start removed the dead vm's dir; its own (the guest's and the module copies') stay behind.
    expect(readdirSync(temp).sort()).toEqual([
      expect.stringMatching(new RegExp(`^kforge-watch-${watch.pid}-`)),
      expect.stringMatching(new RegExp(`^kforge-watch-built-${watch.pid}-`)),
      expect.stringMatching(new RegExp(`^kforge-watch-vm-${watch.pid}-`)),
    ]);

    const next = await runKforge(["vm", dir, "--kernel", kernel61().release, "--accel", "tcg"], { env: { TMPDIR: temp } });
    expect(next.exitCode, next.stderr).toBe(0);
    expect(readdirSync(temp)).toEqual([]);
  });
});
