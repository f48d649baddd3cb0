// What `kforge install` put on a system, per kernel release and staging root, in <dir>/.kforge/:
// uninstall removes exactly these files and nothing else.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface InstallRecord {
  release: string;
  // Staging root (INSTALL_MOD_PATH), "/" for the live system.
  root: string;
  files: string[];
  // The topmost folder install created (under a staging root), removed again once only depmod's files remain in it.
  createdFolder?: string;
}

const manifestPath = (dir: string) => join(dir, ".kforge", "installed.json");

export async function readInstallRecords(dir: string): Promise<InstallRecord[]> {
  try {
    return JSON.parse(await readFile(manifestPath(dir), "utf8")) as InstallRecord[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
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
