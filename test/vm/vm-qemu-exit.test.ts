// QEMU that exits at once, and a run interrupted while the guest's state is saved, through the real
// CLI with a fresh cache (Debian 6.12's image from /boot): what is said, and what is remembered. The
// runs share the cache: none of the first two boots, so the third still finds no saved state.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-qemu-exit-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cache = join(root, "cache");

function project(name: string): { dir: string; cache: string } {
  const dir = join(root, name);
  cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
  return { dir, cache };
}

describe("kforge vm when QEMU exits at once (Debian 6.12)", () => {
  it("reports QEMU's error, not a boot timeout, and remembers no accelerator from a run that never booted", async () => {
    const { dir, cache } = project("memory");
    const run = await runKforge(["vm", dir, "--json", "--kernel", kernel612().release, "--memory", "100000000"], {
      env: { XDG_CACHE_HOME: cache },
    });
    expect(run.exitCode, run.stderr).toBe(1);
    const result = JSON.parse(run.stdout) as VmResult;
    expect(result).toMatchObject({ booted: false, end: "qemu-exited" });
    expect(result.diagnosis).toMatch(/^QEMU exited during boot: qemu-system-x86_64: .*(memory|RAM)/);
    expect(result.hint).not.toMatch(/more time/);
    expect(existsSync(join(cache, "kforge", "accel.json"))).toBe(false);
  }, 120_000);

  it("says how a QEMU that printed nothing exited (a guest reset by a 5,000-character command line)", async () => {
    const { dir, cache } = project("append");
    const run = await runKforge(["vm", dir, "--json", "--kernel", kernel612().release, "--accel", "tcg", "--append", "x".repeat(5000)], {
      env: { XDG_CACHE_HOME: cache },
    });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(result.end).toBe("qemu-exited");
    expect(result.diagnosis).toMatch(/^QEMU exited during boot \(exit status 0, nothing on stderr\): the guest reset/);
  }, 120_000);
});

describe("kforge vm interrupted while the guest's state is saved", () => {
  it("says it was interrupted, not that the channel closed", async () => {
    const { dir, cache } = project("save");
    const child = spawn(process.execPath, [KFORGE_BIN, "vm", dir, "--kernel", kernel612().release, "--accel", "tcg"], {
      env: { ...process.env, NO_COLOR: "1", CI: "true", XDG_CACHE_HOME: cache },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    // The save writes its temp files first: Ctrl-C then.
    const snapshots = join(cache, "kforge", "snapshots");
    const saving = () => existsSync(snapshots) && readdirSync(snapshots).some((name) => name.includes(".tmp-"));
    const deadline = Date.now() + 100_000;
    while (!saving() && child.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    child.kill("SIGINT");
    expect(await exited, output).toBe(130);
    expect(output).toContain("interrupted during boot, before any step ran");
    expect(output).not.toMatch(/channel closed|--cold/);
  }, 120_000);
});
