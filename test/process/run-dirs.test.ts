import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createRunDir, removeDeadRunDirs, runDirOwner } from "../../src/process/run-dirs.js";

const root = mkdtempSync(join(tmpdir(), "kforge-run-dirs-test-"));
const savedTmp = process.env.TMPDIR;
afterAll(() => {
  process.env.TMPDIR = savedTmp;
  rmSync(root, { recursive: true, force: true });
});

describe("run dirs", () => {
  it("names a dir after its process, and removes only the dirs of processes that are gone", async () => {
    process.env.TMPDIR = root;
    const own = await createRunDir("vm");
    expect(runDirOwner(own.split("/").pop()!)).toBe(process.pid);
    // A process that ran and exited: its pid names no process now.
    const dead = spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim();
    const names = [`kforge-vm-${dead}-abc123`, `kforge-watch-vm-${dead}-XyZ789`, "kforge-vm-1-abcdef", "kforge-vm-abcdef", "other-dir"];
    for (const name of names) mkdirSync(join(root, name));
    const removed = await removeDeadRunDirs();
    expect(removed.sort()).toEqual([join(root, `kforge-vm-${dead}-abc123`), join(root, `kforge-watch-vm-${dead}-XyZ789`)]);
    for (const name of names.slice(2)) expect(existsSync(join(root, name))).toBe(true);
    expect(existsSync(own)).toBe(true);
  });
});
