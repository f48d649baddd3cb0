// Real small file systems for tests of full disks and read-only folders: tmpfs mounts (the tests run
// as root), unmounted again by unmountAll().
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const mounted: string[] = [];

// A tmpfs at `dir` with mount options such as "size=64k".
export function mountTmpfs(dir: string, options: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir]);
  mounted.push(dir);
  return dir;
}

// Makes a mounted tmpfs read-only, keeping what is in it.
export const remountReadOnly = (dir: string) => execFileSync("mount", ["-o", "remount,ro", dir]);

// Fills the file system holding `dir` up to its last byte.
export function fillDisk(dir: string): void {
  try {
    for (let index = 0; ; index++) writeFileSync(join(dir, `filler-${index}`), Buffer.alloc(4096));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  }
}

export function unmountAll(): void {
  for (const dir of mounted.splice(0).reverse()) execFileSync("umount", ["-l", dir]);
}
