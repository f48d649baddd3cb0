// The lock file on a real file system: one holder at a time, the holder named to a waiter, stale
// locks (a dead pid, a pid reused by a later process, garbage) taken over, and a full disk leaves
// nothing behind.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tryLockFile } from "../../src/fs/lock-file.js";
import { describeThisProcess } from "../../src/process/alive.js";
import { fillDisk, mountTmpfs, unmountAll } from "../helpers/mounts.js";

const root = mkdtempSync(join(tmpdir(), "kforge-lock-"));
afterAll(() => {
  unmountAll();
  rmSync(root, { recursive: true, force: true });
});
let count = 0;
const freshLock = () => join(root, String(count++), "locks", "make.lock");

describe("lock files", () => {
  it("holds a lock that names this process, and tells a second taker who holds it", async () => {
    const path = freshLock();
    const first = await tryLockFile(path);
    expect(first.held).toBe(true);
    expect(readFileSync(path, "utf8")).toBe(`${describeThisProcess()}\n`);
    expect(describeThisProcess()).toMatch(new RegExp(`^${process.pid} \\d+$`));
    expect(await tryLockFile(path)).toEqual({ held: false, holder: process.pid });
    if (first.held) await first.release();
    expect(existsSync(path)).toBe(false);
  });

  it("takes over a lock of a dead process, of a reused pid, or with garbage in it", async () => {
    const path = freshLock();
    const dead = spawnSync("true").pid;
    for (const stale of [`${dead}\n`, `${process.pid} 1\n`, "\u0000\u0001garbage", ""]) {
      mkdirSync(join(path, ".."), { recursive: true });
      writeFileSync(path, stale);
      const attempt = await tryLockFile(path);
      expect(attempt.held, JSON.stringify(stale)).toBe(true);
      if (attempt.held) await attempt.release();
    }
    // Nothing moved aside or half-written stays behind.
    expect(readdirSync(join(path, ".."))).toEqual([]);
  });

  it("on a full disk says so, naming the folder, and leaves no empty lock file", async () => {
    const disk = mountTmpfs(join(root, "full"), "size=64k");
    mkdirSync(join(disk, "locks"));
    fillDisk(disk);
    const path = join(disk, "locks", "make.lock");
    await expect(tryLockFile(path)).rejects.toThrow(`no space left on device in ${join(disk, "locks")}`);
    expect(readdirSync(join(disk, "locks"))).toEqual([]);
  });
});
