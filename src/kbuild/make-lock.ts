// One make at a time per module dir and kernel: two kforge processes (a watch and a manual build)
// running make over the same files corrupt each other's objects. The lock is a file created with
// O_EXCL holding the owner's pid; a lock whose process is gone is stale and taken over.
import { mkdir, open, readFile, rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { isProcessAlive } from "../process/alive.js";

const POLL_MS = 100;

export const makeLockPath = (dir: string, release: string) => join(dir, ".kforge", "locks", `${release}.lock`);

export interface MakeLock {
  release(): Promise<void>;
}

// Resolves once the lock is held, or with undefined when `signal` aborts the wait. `onWait` is
// called once, with the pid holding the lock, when the lock is busy.
export async function acquireMakeLock(
  dir: string,
  release: string,
  options: { signal?: AbortSignal; onWait?: (holder: number) => void } = {},
): Promise<MakeLock | undefined> {
  const path = makeLockPath(dir, release);
  let told = false;
  while (!options.signal?.aborted) {
    if (await tryCreate(path)) return { release: () => releaseLock(path) };
    const holder = Number((await readFile(path, "utf8").catch(() => "")).trim());
    if (!isProcessAlive(holder)) {
      // Stale (or half-written by a process that just died): take it over.
      await rm(path, { force: true });
      continue;
    }
    if (!told) options.onWait?.(holder);
    told = true;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return undefined;
}

// The empty locks folder goes too, so `kforge clean` and a clean tree look as before the build.
async function releaseLock(path: string): Promise<void> {
  await rm(path, { force: true });
  await rmdir(dirname(path)).catch(() => undefined);
}

async function tryCreate(path: string): Promise<boolean> {
  await mkdir(dirname(path), { recursive: true });
  const handle = await open(path, "wx").catch((error: NodeJS.ErrnoException) => {
    // ENOENT: another process removed the empty folder between our mkdir and open; try again.
    if (error.code === "EEXIST" || error.code === "ENOENT") return undefined;
    throw error;
  });
  if (!handle) return false;
  await handle.writeFile(`${process.pid}\n`);
  await handle.close();
  return true;
}
