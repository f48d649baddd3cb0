// The host side of a run's artifacts dir: the last run's files removed (only those its manifest
// lists), each new file written under a temp name and renamed into place, and nothing written
// through a symlink or over a file kforge did not write. Names reach here checked (names.ts).
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, rename, rm, rmdir, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EnvironmentError } from "../../errors.js";
import { type Manifest, parentDirs, parseManifest, renderManifest } from "./manifest.js";
import { MANIFEST_NAME } from "./names.js";

export interface ArtifactFile {
  write(data: Buffer): Promise<void>;
  // Renames the finished file into place.
  commit(): Promise<void>;
  discard(): Promise<void>;
}

const kindOf = async (path: string): Promise<"dir" | "file" | "other" | "missing"> => {
  const stats = await lstat(path).catch(() => undefined);
  if (!stats) return "missing";
  return stats.isDirectory() ? "dir" : stats.isFile() ? "file" : "other";
};

// The dir emptied of the previous run's files (a missing one is left missing); a symlink is refused.
export async function clearArtifactsDir(dir: string): Promise<void> {
  const kind = await kindOf(dir);
  if (kind === "missing") return;
  if (kind !== "dir") throw notAFolder(dir);
  const manifest = parseManifest(await readFile(join(dir, MANIFEST_NAME), "utf8").catch(() => "{}"));
  for (const file of manifest.files) if ((await kindOf(join(dir, file))) === "file") await unlink(join(dir, file));
  for (const folder of [...manifest.dirs].reverse()) await rmdir(join(dir, folder)).catch(() => undefined);
  await rm(join(dir, MANIFEST_NAME), { force: true });
}

// Made only when a file comes back, so a project whose steps write none gets no dir.
export async function ensureArtifactsDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await kindOf(dir)) !== "dir") throw notAFolder(dir);
}

const notAFolder = (dir: string) =>
  new EnvironmentError(
    `${dir} is not a folder kforge can write artifacts into (a symlink or a file)`,
    "remove it, or choose another dir with --artifacts or kforge.json vm.artifacts",
  );

// Why `name` cannot be written under dir, if it cannot: a file kforge did not write is in the way,
// or a folder on its path is a symlink or a file.
export async function findObstacle(dir: string, name: string): Promise<string | undefined> {
  for (const folder of parentDirs([name])) {
    const kind = await kindOf(join(dir, folder));
    if (kind === "missing") return undefined;
    if (kind !== "dir") return `${folder} on the host is not a folder (a symlink or a file)`;
  }
  return (await kindOf(join(dir, name))) === "missing" ? undefined : "a file kforge did not write has that name on the host";
}

// The folders kforge makes for `names` (those missing now), to list in the manifest.
export async function missingDirs(dir: string, names: readonly string[]): Promise<string[]> {
  const missing: string[] = [];
  for (const folder of parentDirs(names)) if ((await kindOf(join(dir, folder))) === "missing") missing.push(folder);
  return missing;
}

// Written before the files, so a run killed halfway still lets the next one remove what it wrote.
export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  const partial = join(dir, `${MANIFEST_NAME}.${randomBytes(4).toString("hex")}.partial`);
  await writeFile(partial, renderManifest(manifest), { flag: "wx" });
  await rename(partial, join(dir, MANIFEST_NAME));
}

export async function createArtifactFile(dir: string, name: string): Promise<ArtifactFile> {
  const target = join(dir, name);
  for (const folder of parentDirs([name])) {
    await mkdir(join(dir, folder)).catch(() => undefined);
    if ((await kindOf(join(dir, folder))) !== "dir") throw new Error(`${folder} is not a folder`);
  }
  const partial = join(dirname(target), `.kforge-partial-${randomBytes(6).toString("hex")}`);
  // wx: never through a symlink or over anything already there.
  const handle = await open(partial, "wx", 0o644);
  let isOpen = true;
  const close = async () => {
    if (isOpen) await handle.close();
    isOpen = false;
  };
  return {
    write: async (data) => {
      await handle.write(data);
    },
    commit: async () => {
      await close();
      await rename(partial, target);
    },
    discard: async () => {
      await close();
      await rm(partial, { force: true });
    },
  };
}
