// What `kforge install` put on a system, per kernel release and staging root, in <dir>/.kforge/:
// each file with the sha256 of what was written, so uninstall removes exactly these files, and only
// while they still hold what kforge wrote. The manifest is read as untrusted text: a record of any
// other shape is refused, never acted on.
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";

export interface InstalledFile {
  path: string;
  // Absent in manifests written before kforge recorded hashes: such a file is never removed.
  sha256?: string;
}

export interface InstallRecord {
  release: string;
  // Staging root (INSTALL_MOD_PATH), "/" for the live system.
  root: string;
  files: InstalledFile[];
  // The topmost folder install created (under a staging root), removed again once only depmod's files remain in it.
  createdFolder?: string;
}

export const manifestPath = (dir: string) => join(dir, ".kforge", "installed.json");

export async function readInstallRecords(dir: string): Promise<InstallRecord[]> {
  let text: string;
  try {
    text = await readFile(manifestPath(dir), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  const records = parseInstallRecords(text);
  if (typeof records === "string")
    throw new EnvironmentError(
      `${manifestPath(dir)} is damaged (${records}): kforge cannot tell what it installed`,
      "remove the installed modules by hand (see kforge install's output), then delete that file",
    );
  return records;
}

// Pure: the records in a manifest's text, or what is wrong with it. File entries may be plain paths
// (manifests of older kforge versions, without hashes).
export function parseInstallRecords(text: string): InstallRecord[] | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return "not JSON";
  }
  if (!Array.isArray(value)) return "not a list of records";
  const records: InstallRecord[] = [];
  for (const entry of value as unknown[]) {
    const record = parseRecord(entry);
    if (!record) return "a record without a release, root or list of files";
    records.push(record);
  }
  return records;
}

function parseRecord(entry: unknown): InstallRecord | undefined {
  if (typeof entry !== "object" || entry === null) return undefined;
  const { release, root, files, createdFolder } = entry as Record<string, unknown>;
  if (typeof release !== "string" || typeof root !== "string" || !Array.isArray(files)) return undefined;
  if (createdFolder !== undefined && typeof createdFolder !== "string") return undefined;
  const parsed = files.map(parseFile);
  if (parsed.some((file) => file === undefined)) return undefined;
  return { release, root, files: parsed as InstalledFile[], ...(createdFolder === undefined ? {} : { createdFolder }) };
}

function parseFile(entry: unknown): InstalledFile | undefined {
  if (typeof entry === "string") return { path: entry };
  if (typeof entry !== "object" || entry === null) return undefined;
  const { path, sha256 } = entry as Record<string, unknown>;
  if (typeof path !== "string" || (sha256 !== undefined && (typeof sha256 !== "string" || !/^[0-9a-f]{64}$/.test(sha256))))
    return undefined;
  return { path, ...(sha256 === undefined ? {} : { sha256 }) };
}

export const hashContent = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

// What is at `path` now, as the manifest records it.
export async function describeInstalledFile(path: string): Promise<InstalledFile> {
  return { path, sha256: hashContent(await readFile(path)) };
}

const sameTarget = (record: InstallRecord, release: string, root: string) => record.release === release && record.root === root;

export function findInstallRecord(records: readonly InstallRecord[], release: string, root: string): InstallRecord | undefined {
  return records.find((record) => sameTarget(record, release, root));
}

// Replaces the record for the same release and root; `files` empty removes it.
export async function saveInstallRecord(dir: string, record: InstallRecord): Promise<void> {
  const others = (await readInstallRecords(dir)).filter((existing) => !sameTarget(existing, record.release, record.root));
  const records = record.files.length > 0 ? [...others, record] : others;
  await mkdir(join(dir, ".kforge"), { recursive: true });
  await writeFile(manifestPath(dir), `${JSON.stringify(records, null, 2)}\n`);
}
