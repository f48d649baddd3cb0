// Exclusive lock files (the make lock, a saved guest state's writer). The file is linked into place
// already holding its owner, "<pid> <start time>", so no process ever sees an empty or half-written
// lock; a lock whose owner has exited, or whose pid now names a later process (the pid was reused),
// is stale and taken over. A full disk or a read-only folder leaves nothing behind.
import { randomBytes } from "node:crypto";
import { link, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { describeThisProcess, isRecordedProcessAlive, recordedPid } from "../process/alive.js";
import { makeFolder } from "./files.js";
import { describeWriteError } from "./write-error.js";

export type LockAttempt = { held: true; release: () => Promise<void> } | { held: false; holder: number };

// Rounds of "the lock exists, but its owner is gone" before giving up for now.
const TAKEOVER_ATTEMPTS = 3;

// Takes the lock at `path` when it is free or stale; otherwise says which live process holds it.
// Throws an EnvironmentError when the lock cannot be written (full disk, read-only folder).
export async function tryLockFile(path: string): Promise<LockAttempt> {
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await makeFolder(dirname(path));
    await writeFile(temp, `${describeThisProcess()}\n`);
    for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
      if (await linkOrExists(temp, path)) return { held: true, release: () => rm(path, { force: true }) };
      const recorded = await readFile(path, "utf8").catch(() => "");
      if (isRecordedProcessAlive(recorded.trim())) return { held: false, holder: recordedPid(recorded) };
      await takeOver(path, recorded);
    }
    return { held: false, holder: 0 };
  } catch (error) {
    throw describeWriteError(error, dirname(path)) ?? error;
  } finally {
    await rm(temp, { force: true });
  }
}

async function linkOrExists(from: string, to: string): Promise<boolean> {
  try {
    await link(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
}

// Moves the stale lock aside and checks it is the one judged stale: another process may have taken
// it over in between, and then its fresh lock goes back.
async function takeOver(path: string, stale: string): Promise<void> {
  const aside = `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  if (
    !(await rename(path, aside).then(
      () => true,
      () => false,
    ))
  )
    return;
  if ((await readFile(aside, "utf8").catch(() => stale)) !== stale) await link(aside, path).catch(() => undefined);
  await rm(aside, { force: true });
}
