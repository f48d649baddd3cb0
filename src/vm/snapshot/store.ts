// Saved guest states in kforge's cache: <cache>/snapshots/<key>.state (device state) and <key>.ram
// (the guest RAM, sparse) beside <key>.json. Written to temp files and renamed into place, capped in
// total size (oldest use removed first), one writer per key at a time through an exclusive lock file.
import { randomBytes } from "node:crypto";
import { readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { isJsonObject, readCacheJson, type Notice } from "../../fs/cache-file.js";
import { makeFolder, readOptionalText } from "../../fs/files.js";
import { tryLockFile } from "../../fs/lock-file.js";
import { isProcessAlive, isRecordedProcessAlive } from "../../process/alive.js";
import { SNAPSHOT_FORMAT } from "./key.js";

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
  // SNAPSHOT_FORMAT when saved; absent in states of kforge before RAM files (format 1).
  format?: number;
}

export interface SnapshotEntry extends SnapshotMeta {
  statePath: string;
  ramPath: string;
  // The disk space taken: the state file plus the RAM file's allocated blocks.
  sizeBytes: number;
  lastUsed: Date;
}

export interface StateFiles {
  state: string;
  ram: string;
}

export const DEFAULT_SNAPSHOT_LIMIT_MB = 1024;

export const snapshotDir = (env?: NodeJS.ProcessEnv) => join(kforgeCacheDir(env), "snapshots");
const statePath = (key: string, env?: NodeJS.ProcessEnv) => join(snapshotDir(env), `${key}.state`);
const ramPath = (key: string, env?: NodeJS.ProcessEnv) => join(snapshotDir(env), `${key}.ram`);
const metaPath = (key: string, env?: NodeJS.ProcessEnv) => join(snapshotDir(env), `${key}.json`);

// KFORGE_SNAPSHOT_LIMIT_MB overrides the cap on all saved states together.
export function snapshotLimitBytes(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.KFORGE_SNAPSHOT_LIMIT_MB);
  return (Number.isFinite(value) && value > 0 ? value : DEFAULT_SNAPSHOT_LIMIT_MB) * 1024 * 1024;
}

// The files for `key` when a state is saved and complete (its description is written first, the
// state file last). A description that does not parse discards the state, with a notice.
export async function findState(key: string, env?: NodeJS.ProcessEnv, notice?: Notice): Promise<StateFiles | undefined> {
  const files = { state: statePath(key, env), ram: ramPath(key, env) };
  const [meta, ...saved] = await Promise.all([
    readCacheJson(metaPath(key, env), acceptSnapshotMeta, notice),
    stat(files.state).catch(() => undefined),
    stat(files.ram).catch(() => undefined),
  ]);
  // Files without a description (it was damaged and just discarded) can never be used.
  if (!meta && saved.some(Boolean)) await removeState(key, env);
  return meta && saved.every((info) => info?.isFile()) ? files : undefined;
}

// Pure: a state's description as read, or undefined when it is not one kforge wrote.
export function acceptSnapshotMeta(value: unknown): SnapshotMeta | undefined {
  if (!isJsonObject(value)) return undefined;
  const texts = ["key", "release", "kernelImage", "imageHash", "accel", "qemu", "createdAt"] as const;
  if (texts.some((name) => typeof value[name] !== "string")) return undefined;
  if (typeof value.memoryMb !== "number" || !Array.isArray(value.append) || value.append.some((word) => typeof word !== "string"))
    return undefined;
  if (value.format !== undefined && typeof value.format !== "number") return undefined;
  if (Number.isNaN(new Date(value.createdAt as string).getTime())) return undefined;
  return value as unknown as SnapshotMeta;
}

export async function markUsed(key: string, env?: NodeJS.ProcessEnv): Promise<void> {
  const now = new Date();
  await utimes(statePath(key, env), now, now).catch(() => undefined);
}

export async function newTempStateFiles(key: string, env?: NodeJS.ProcessEnv): Promise<StateFiles> {
  await makeFolder(snapshotDir(env));
  const suffix = `tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  return { state: join(snapshotDir(env), `${key}.state.${suffix}`), ram: join(snapshotDir(env), `${key}.ram.${suffix}`) };
}

// Moves a completely written state into place, then drops states of an image that has since
// changed, states of an older format, damaged ones and the oldest-used ones over the size cap.
export async function commitState(temp: StateFiles, meta: Omit<SnapshotMeta, "format">, env?: NodeJS.ProcessEnv): Promise<void> {
  const metaTemp = `${temp.state}.json`;
  await writeFile(metaTemp, `${JSON.stringify({ ...meta, format: SNAPSHOT_FORMAT }, null, 2)}\n`);
  await rename(metaTemp, metaPath(meta.key, env));
  await rename(temp.ram, ramPath(meta.key, env));
  await rename(temp.state, statePath(meta.key, env));
  const { entries, damaged } = await scanStates(env);
  const outdated = (entry: SnapshotEntry) =>
    (entry.kernelImage === meta.kernelImage && entry.imageHash !== meta.imageHash) || entry.format !== SNAPSHOT_FORMAT;
  for (const key of [...entries.filter(outdated).map((entry) => entry.key), ...damaged]) await removeState(key, env);
  await enforceLimit(
    entries.filter((entry) => !outdated(entry)),
    snapshotLimitBytes(env),
    env,
  );
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
  await rm(ramPath(key, env), { force: true });
}

export async function listStates(env?: NodeJS.ProcessEnv): Promise<SnapshotEntry[]> {
  return (await scanStates(env)).entries;
}

// Keys whose files are there but whose description is missing or does not parse: nothing can use
// them, and `kforge kernel prune` removes them.
export async function listDamagedStates(env?: NodeJS.ProcessEnv): Promise<string[]> {
  return (await scanStates(env)).damaged;
}

async function scanStates(env?: NodeJS.ProcessEnv): Promise<{ entries: SnapshotEntry[]; damaged: string[] }> {
  const names = await readdir(snapshotDir(env)).catch(() => [] as string[]);
  const keys = [...new Set(names.flatMap((name) => /^([0-9a-f]+)\.(json|state|ram)$/.exec(name)?.[1] ?? []))];
  const entries: SnapshotEntry[] = [];
  const damaged: string[] = [];
  for (const key of keys) {
    const text = await readFile(metaPath(key, env), "utf8").catch(() => undefined);
    const meta = text === undefined ? undefined : parseMeta(text);
    const [state, ram] = await Promise.all([
      stat(statePath(key, env)).catch(() => undefined),
      stat(ramPath(key, env)).catch(() => undefined),
    ]);
    if (!meta) damaged.push(key);
    else if (state)
      entries.push({
        ...meta,
        statePath: statePath(key, env),
        ramPath: ramPath(key, env),
        sizeBytes: state.size + (ram?.blocks ?? 0) * 512,
        lastUsed: state.mtime,
      });
  }
  return { entries, damaged };
}

function parseMeta(text: string): SnapshotMeta | undefined {
  try {
    return acceptSnapshotMeta(JSON.parse(text));
  } catch {
    return undefined;
  }
}

// The writer's lock for `key`, or undefined when another live process holds it. A lock left by a
// process that has died is taken over (fs/lock-file.ts).
export async function lockState(key: string, env?: NodeJS.ProcessEnv): Promise<(() => Promise<void>) | undefined> {
  const attempt = await tryLockFile(join(snapshotDir(env), `${key}.lock`));
  return attempt.held ? attempt.release : undefined;
}

// Temp files and locks left by kforge processes that died while saving.
export async function removeLeftovers(env?: NodeJS.ProcessEnv): Promise<number> {
  const names = await readdir(snapshotDir(env)).catch(() => [] as string[]);
  let removed = 0;
  for (const name of names) {
    const tempOwner = /\.tmp-(\d+)-/.exec(name)?.[1];
    const lockOwner = name.endsWith(".lock") ? await readOptionalText(join(snapshotDir(env), name)) : undefined;
    const alive = tempOwner ? isProcessAlive(Number(tempOwner)) : isRecordedProcessAlive(lockOwner?.trim() ?? "");
    if ((tempOwner || lockOwner !== undefined) && !alive) {
      await rm(join(snapshotDir(env), name), { force: true });
      removed++;
    }
  }
  return removed;
}
