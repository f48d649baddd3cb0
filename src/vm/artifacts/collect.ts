// Copies the files the test steps wrote under $KFORGE_ARTIFACTS out of the guest into the run's
// host dir, over the command channel (guest/file-copy.ts): listed, checked (names.ts, the host dir's
// own files: host-dir.ts), and read chunk by chunk into a temp file renamed into place. What was
// refused, and why, is reported; a guest that stops answering ends the copy with what came back.
import { CHUNK_BYTES, type GuestEntry, listFilesCommand, parseChunk, parseFileList, readChunkCommand } from "../guest/file-copy.js";
import { GUEST_ARTIFACTS_DIR } from "../guest/init-script.js";
import { createArtifactFile, ensureArtifactsDir, findObstacle, missingDirs, writeManifest } from "./host-dir.js";
import { checkHexName } from "./names.js";

// What a run may bring back in all. The serial port moves some 40 KB/s under TCG (20 KB/s of
// incompressible data once encoded; text compresses): reports and logs, not disk images.
export const ARTIFACTS_LIMIT_BYTES = 4 * 2 ** 20;
// The unloads after the copy need some of the run's time too; the copy gets at least COPY_MIN_MS.
const UNLOAD_RESERVE_MS = 5000;
const COPY_MIN_MS = 5000;
// Entries listed beyond this are not looked at (a step that made a million empty files).
const MAX_ENTRIES = 1000;

export interface ArtifactsCollection {
  files: { path: string; bytes: number }[];
  // Names as shown on a terminal (control characters escaped).
  refused: { name: string; reason: string }[];
  bytes: number;
  // Entries the guest's listing named (files, links, the rest), before any was checked.
  listed: number;
  // Why the copy stopped before every file was in (the guest stopped answering, the time ran out).
  stopped?: string;
}

// One command in the guest: a guest run's session (with what is left of the run's time) or watch's
// guest that stays up (with its step time limit). "stopped" says why the guest did not answer.
export type GuestCommand = (command: string, timeoutMs: number) => Promise<{ exitCode: number; output: string } | { stopped: string }>;

export async function collectArtifacts(
  runCommand: GuestCommand,
  hostDir: string,
  options: { timeoutMs: number },
): Promise<ArtifactsCollection> {
  const deadline = Date.now() + Math.max(options.timeoutMs - UNLOAD_RESERVE_MS, COPY_MIN_MS);
  const run = (command: string) => runCommand(command, Math.max(deadline - Date.now(), 1));
  const collection: ArtifactsCollection = { files: [], refused: [], bytes: 0, listed: 0 };
  const listing = await run(listFilesCommand(GUEST_ARTIFACTS_DIR));
  if ("stopped" in listing)
    return { ...collection, listed: 0, stopped: `listing ${GUEST_ARTIFACTS_DIR} did not finish (${listing.stopped})` };
  const { entries, dropped } = parseFileList(listing.output, MAX_ENTRIES);
  const listed = entries.length + dropped;
  if (dropped) collection.refused.push({ name: `${dropped} more entries`, reason: `only the first ${MAX_ENTRIES} entries are copied` });
  const accepted = await acceptEntries(entries, hostDir, collection);
  if (accepted.length === 0) return { ...collection, listed };
  const names = accepted.map((entry) => entry.path);
  await ensureArtifactsDir(hostDir);
  await writeManifest(hostDir, { files: names, dirs: await missingDirs(hostDir, names) });
  for (const entry of accepted) {
    const copied = await copyFile(run, hostDir, entry);
    if (copied === "copied") {
      collection.files.push({ path: entry.path, bytes: entry.size });
      collection.bytes += entry.size;
    } else if (copied.stopped) return { ...collection, listed, stopped: copied.stopped };
    else collection.refused.push({ name: entry.path, reason: copied.reason });
  }
  return { ...collection, listed };
}

type Accepted = { path: string; size: number };

// Regular files with safe names that the host dir has room for, within the run's limit.
async function acceptEntries(entries: GuestEntry[], hostDir: string, collection: ArtifactsCollection): Promise<Accepted[]> {
  const accepted: Accepted[] = [];
  let planned = 0;
  for (const entry of entries) {
    const name = checkHexName(entry.hexName);
    const refuse = (reason: string) => collection.refused.push({ name: name.ok ? name.path : name.shown, reason });
    if (!name.ok) refuse(name.reason);
    else if (entry.kind === "link") refuse("a symlink: not followed");
    else if (entry.kind === "other") refuse("not a regular file (a device, FIFO or socket)");
    else if (planned + entry.size > ARTIFACTS_LIMIT_BYTES)
      refuse(`its ${formatBytes(entry.size)} would pass the run's limit of ${LIMIT} (${formatBytes(planned)} taken)`);
    else {
      const obstacle = await findObstacle(hostDir, name.path);
      if (obstacle) refuse(obstacle);
      else {
        accepted.push({ path: name.path, size: entry.size });
        planned += entry.size;
      }
    }
  }
  return accepted;
}

type RunCommand = (command: string) => ReturnType<GuestCommand>;

async function copyFile(run: RunCommand, hostDir: string, entry: Accepted): Promise<"copied" | { reason: string; stopped?: string }> {
  const file = await createArtifactFile(hostDir, entry.path).catch((error: Error) => error);
  if (file instanceof Error) return { reason: `could not be written on the host: ${file.message}` };
  let received = 0;
  for (let chunk = 0; chunk * CHUNK_BYTES < entry.size; chunk++) {
    const outcome = await run(readChunkCommand(GUEST_ARTIFACTS_DIR, entry.path, chunk));
    const failure =
      "stopped" in outcome
        ? { reason: "the copy did not finish", stopped: `copying ${entry.path} did not finish within the run's time (${outcome.stopped})` }
        : outcome.exitCode !== 0
          ? { reason: "no longer a regular file when it was read" }
          : undefined;
    const data = "stopped" in outcome || failure ? undefined : parseChunk(outcome.output);
    if (failure || !data || received + data.length > entry.size) {
      await file.discard();
      return failure ?? { reason: data ? "it grew while it was copied" : "the guest sent a garbled chunk" };
    }
    await file.write(data);
    received += data.length;
  }
  if (received !== entry.size) {
    await file.discard();
    return { reason: `it shrank while it was copied (listed ${entry.size} bytes, read ${received})` };
  }
  await file.commit();
  return "copied";
}

const LIMIT = formatBytes(ARTIFACTS_LIMIT_BYTES);

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${bytes} bytes`;
}
