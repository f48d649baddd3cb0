// Temp dirs that belong to one kforge process: named kforge-<kind>-<pid>-XXXXXX, so that a later run
// can tell the dirs of a run that died (SIGKILL, a crash, the machine's OOM killer: no finally block
// ran) and remove them. Only dirs owned by this user whose process is gone are removed.
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive } from "./alive.js";

export type RunDirKind = "vm" | "watch" | "watch-vm" | "watch-built";

const RUN_DIR = /^kforge-(?:vm|watch|watch-vm|watch-built)-(\d+)-[A-Za-z0-9]{6}$/;

export function createRunDir(kind: RunDirKind): Promise<string> {
  return mkdtemp(join(tmpdir(), `kforge-${kind}-${process.pid}-`));
}

// The pid in a run dir's name, or undefined for any other name.
export function runDirOwner(name: string): number | undefined {
  const match = RUN_DIR.exec(name);
  return match ? Number(match[1]) : undefined;
}

// Removes the run dirs of processes that no longer exist; never fails the run that calls it.
export async function removeDeadRunDirs(): Promise<string[]> {
  const root = tmpdir();
  const names = await readdir(root).catch(() => [] as string[]);
  const dead = names.filter((name) => {
    const owner = runDirOwner(name);
    return owner !== undefined && owner !== process.pid && !isProcessAlive(owner);
  });
  const removed: string[] = [];
  for (const name of dead) {
    const path = join(root, name);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isDirectory() || info.uid !== process.getuid?.()) continue;
    await rm(path, { recursive: true, force: true }).then(
      () => removed.push(path),
      () => undefined,
    );
  }
  return removed;
}
