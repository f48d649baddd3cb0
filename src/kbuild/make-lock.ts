// One make at a time per build dir, the dir make writes its objects into: two kforge processes running
// make over the same files corrupt each other's objects whatever kernel each builds for (an object
// compiled for one kernel linked into a .ko stamped for another, or a .ko removed under the other's
// feet). A matrix build makes each kernel in its own tree (.kforge/build/<release>/), so its kernels
// still build side by side. The lock file holds its owner's pid and start time (fs/lock-file.ts).
import { rm, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { tryLockFile } from "../fs/lock-file.js";

const POLL_MS = 100;

export const makeLockPath = (dir: string) => join(dir, ".kforge", "locks", "make.lock");

export interface MakeLock {
  release(): Promise<void>;
}

// Resolves once the lock is held, or with undefined when `signal` aborts the wait. `onWait` is
// called once, with the pid holding the lock, when the lock is busy.
export async function acquireMakeLock(
  dir: string,
  options: { signal?: AbortSignal; onWait?: (holder: number) => void } = {},
): Promise<MakeLock | undefined> {
  const path = makeLockPath(dir);
  let told = false;
  while (!options.signal?.aborted) {
    const attempt = await tryLockFile(path).catch(async (error: unknown) => {
      await removeEmptyFolder(path);
      throw error;
    });
    if (attempt.held) return { release: () => releaseLock(path) };
    if (!told && attempt.holder) options.onWait?.(attempt.holder);
    told ||= Boolean(attempt.holder);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return undefined;
}

// The empty locks folder goes too, so `kforge clean` and a clean tree look as before the build.
async function releaseLock(path: string): Promise<void> {
  await rm(path, { force: true });
  await removeEmptyFolder(path);
}

// The locks folder, and .kforge when the lock was all there was in it (a first build on a full disk).
async function removeEmptyFolder(path: string): Promise<void> {
  if (
    await rmdir(dirname(path)).then(
      () => true,
      () => false,
    )
  )
    await rmdir(dirname(dirname(path))).catch(() => undefined);
}
