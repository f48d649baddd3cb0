// Writes rendered files into the module folder without losing anything: refuses a non-empty folder
// unless forced, reports exactly what it overwrote, and writes everything to temporary files first so
// a failure part-way leaves the folder as it was.
import { lstat, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { KforgeError, UsageError } from "../errors.js";
import type { PlannedFile } from "./render.js";

export interface WriteOptions {
  force: boolean;
  dryRun: boolean;
}

export interface WriteReport {
  dir: string;
  // Relative paths, in plan order.
  created: string[];
  overwritten: string[];
  dryRun: boolean;
}

async function statOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

function describeEntries(entries: string[]): string {
  const shown = entries.slice(0, 5).join(", ");
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

// Which planned files already exist; throws when writing would need --force or cannot work at all.
async function inspectTarget(dir: string, files: PlannedFile[], force: boolean): Promise<Set<string>> {
  const dirStat = await statOrUndefined(dir);
  if (!dirStat) return new Set();
  if (!dirStat.isDirectory()) throw new UsageError(`${dir} exists and is not a folder`, "choose another folder with --dir <path>");
  const existing = new Set<string>();
  for (const file of files) {
    const fileStat = await statOrUndefined(join(dir, file.path));
    if (fileStat?.isDirectory()) throw new UsageError(`${join(dir, file.path)} is a folder, kforge would write a file there`, "move the folder away or choose another --dir <path>");
    if (fileStat) existing.add(file.path);
  }
  const entries = (await readdir(dir)).sort();
  if (entries.length > 0 && !force) {
    const clashes = files.filter((file) => existing.has(file.path)).map((file) => file.path);
    const detail = clashes.length > 0 ? `; it would overwrite ${describeEntries(clashes)}` : "";
    throw new UsageError(
      `${dir} is not empty (${describeEntries(entries)})${detail}`,
      "choose an empty or new folder with --dir <path>, or pass --force to write into it (files kforge does not generate are left alone)",
    );
  }
  return existing;
}

function temporaryPath(dir: string, path: string): string {
  const target = join(dir, path);
  return join(dirname(target), `.${basename(target)}.kforge-${process.pid}.tmp`);
}

async function writeTemporaries(dir: string, files: PlannedFile[]): Promise<void> {
  for (const file of files) await writeFile(temporaryPath(dir, file.path), file.content, { mode: 0o644 });
}

export async function writePlan(dir: string, files: PlannedFile[], options: WriteOptions): Promise<WriteReport> {
  const existing = await inspectTarget(dir, files, options.force);
  const report: WriteReport = {
    dir,
    created: files.filter((file) => !existing.has(file.path)).map((file) => file.path),
    overwritten: files.filter((file) => existing.has(file.path)).map((file) => file.path),
    dryRun: options.dryRun,
  };
  if (options.dryRun) return report;
  const firstCreated = await mkdir(dir, { recursive: true });
  try {
    await writeTemporaries(dir, files);
  } catch (error) {
    await Promise.all(files.map((file) => rm(temporaryPath(dir, file.path), { force: true })));
    if (firstCreated) await rm(firstCreated, { recursive: true, force: true });
    throw new KforgeError(`cannot write into ${dir}: ${(error as Error).message}`, { hint: "check the folder's permissions and free space; nothing was changed" });
  }
  for (const file of files) await rename(temporaryPath(dir, file.path), join(dir, file.path));
  return report;
}
