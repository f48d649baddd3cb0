// Saved guest states in kforge's cache (<cache>/snapshots/<key>.state beside <key>.json): written
// to a temp file and renamed into place, capped in total size (oldest use removed first), one
// writer per key at a time through an exclusive lock file holding the writer's pid.
import { randomBytes } from "node:crypto";
import { link, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kforgeCacheDir } from "../fs/cache-dir.js";
import { readOptionalText } from "../fs/files.js";
import { isProcessAlive } from "../process/alive.js";

export interface SnapshotMeta {
  key: string;
  release: string;
  kernelImage: string;
  imageHash: string;
  accel: string;
  memoryMb: number;
  append: string[];
  qemu: string;
  createdAt: string;
}

export interface SnapshotEntry extends SnapshotMeta {
  statePath: string;
  sizeBytes: number;
  lastUsed: Date;
}

export const DEFAULT_SNAPSHOT_LIMIT_MB = 1024;

export const snapshotDir = (env?: NodeJS.ProcessEnv) => join(kforgeCacheDir(env), "snapshots");
const statePath = (key: string, env?: NodeJS.ProcessEnv) => join(snapshotDir(env), `${key}.state`);
const metaPath = (key: string, env?: NodeJS.ProcessEnv) => join(snapshotDir(env), `${key}.json`);

// KFORGE_SNAPSHOT_LIMIT_MB overrides the cap on all saved states together.
export function snapshotLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.KFORGE_SNAPSHOT_LIMIT_MB);
  return (Number.isFinite(value) && value > 0 ? value : DEFAULT_SNAPSHOT_LIMIT_MB) * 1024 * 1024;
}

// The state file for `key` when one is saved and complete (its description is written first).
export async function findState(key: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const path = statePath(key, env);
  const [described, saved] = await Promise.all([readOptionalText(metaPath(key, env)), stat(path).catch(() => undefined)]);
  return described && saved?.isFile() ? path : undefined;
}

export async function markUsed(key: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const now = new Date();
  await utimes(statePath(key, env), now, now).catch(() => undefined);
}

export async function newTempStatePath(key: string, env?: NodeJS.ProcessEnv): Promise<string> {
  await mkdir(snapshotDir(env), { recursive: true });
  return join(snapshotDir(env), `${key}.state.tmp-${process.pid}-${randomBytes(4).toString("hex")}`);
}

// Moves a completely written state into place, then drops states of an image that has since
// changed and the oldest-used ones over the size cap.
export async function commitState(tempPath: string, meta: SnapshotMeta, env?: NodeJS.ProcessEnv): Promise<void> {
  const metaTemp = `${tempPath}.json`;
  await writeFile(metaTemp, `${JSON.stringify(meta, null, 2)}\n`);
  await rename(metaTemp, metaPath(meta.key, env));
  await rename(tempPath, statePath(meta.key, env));
  const entries = await listStates(env);
  for (const entry of entries) {
    if (entry.kernelImage === meta.kernelImage && entry.imageHash !== meta.imageHash) await removeState(entry.key, env);
  }
  await enforceLimit(entries.filter((entry) => entry.kernelImage !== meta.kernelImage || entry.imageHash === meta.imageHash), snapshotLimitBytes(env), env);
}

async function enforceLimit(entries: SnapshotEntry[], limit: number, env?: NodeJS.ProcessEnv): Promise<void> {
  const newestFirst = [...entries].sort((left, right) => right.lastUsed.getTime() - left.lastUsed.getTime());
  let total = 0;
  for (const entry of newestFirst) {
    total += entry.sizeBytes;
    if (total > limit) await removeState(entry.key, env);
  }
}

export async function removeState(key: string, env?: NodeJS.ProcessEnv): Promise<void> {
  await rm(metaPath(key, env), { force: true });
  await rm(statePath(key, env), { force: true });
}

export async function listStates(env?: NodeJS.ProcessEnv): Promise<SnapshotEntry[]> {
  const names = await readdir(snapshotDir(env)).catch(() => [] as string[]);
  const entries: SnapshotEntry[] = [];
  for (const name of names.filter((file) => /^[0-9a-f]+\.json$/.test(file))) {
    const key = name.slice(0, -".json".length);
    const meta = JSON.parse(await readFile(metaPath(key, env), "utf8")) as SnapshotMeta;
    const info = await stat(statePath(key, env)).catch(() => undefined);
    if (info) entries.push({ ...meta, statePath: statePath(key, env), sizeBytes: info.size, lastUsed: info.mtime });
  }
  return entries;
}

// The writer's lock for `key`, or undefined when another live process holds it. A lock left by a
// process that has died is taken over.
export async function lockState(key: string, env?: NodeJS.ProcessEnv): Promise<(() => Promise<void>) | undefined> {
  await mkdir(snapshotDir(env), { recursive: true });
  const path = join(snapshotDir(env), `${key}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    // Linking a file that already holds the pid: no other process ever sees an empty lock.
    const temp = `${path}.${process.pid}-${randomBytes(4).toString("hex")}`;
    await writeFile(temp, String(process.pid));
    try {
      await link(temp, path);
      return () => rm(path, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(await readOptionalText(path));
      if (isProcessAlive(holder)) return undefined;
      await rm(path, { force: true });
    } finally {
      await rm(temp, { force: true });
    }
  }
  return undefined;
}


// Temp files and locks left by kforge processes that died while saving.
export async function removeLeftovers(env?: NodeJS.ProcessEnv): Promise<number> {
  const names = await readdir(snapshotDir(env)).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const tempOwner = /\.tmp-(\d+)-/.exec(name)?.[1];
    const lockOwner = name.endsWith(".lock") ? await readOptionalText(join(snapshotDir(env), name)) : undefined;
    const owner = Number(tempOwner ?? lockOwner);
    if ((tempOwner || lockOwner !== undefined) && !isProcessAlive(owner)) {
      await rm(join(snapshotDir(env), name), { force: true });
      removed++;
    }
  }
  return removed;
}
