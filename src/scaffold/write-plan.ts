// Writes rendered files into the module folder without losing anything: refuses a non-empty folder
// unless forced, reports exactly what it overwrote, and writes everything to temporary files first so
// a failure part-way leaves the folder as it was.
import { lstat, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UsageError } from "../errors.js";
import { describeFolderError } from "./folder-errors.js";
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
  // The overwritten files whose content differed from what kforge writes (the user's edits).
  edited: string[];
  dryRun: boolean;
}

async function statOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw describeFolderError(path, error);
  }
}

function describeEntries(entries: string[]): string {
  const shown = entries.slice(0, 5).join(", ");
  return entries.length > 5 ? `${shown} and ${entries.length - 5} more` : shown;
}

interface ExistingFiles {
  existing: Set<string>;
  edited: Set<string>;
}

async function isEdited(path: string, content: string): Promise<boolean> {
  return (await readFile(path, "utf8").catch(() => undefined)) !== content;
}

// Every file that would be overwritten, the edited ones first and marked: they are the ones that matter.
function describeClashes(files: PlannedFile[], found: ExistingFiles): string {
  const clashes = files.filter((file) => found.existing.has(file.path));
  const edited = clashes.filter((file) => found.edited.has(file.path)).map((file) => `${file.path} (edited)`);
  const unchanged = clashes.filter((file) => !found.edited.has(file.path)).map((file) => file.path);
  return [...edited, ...unchanged].join(", ");
}

// Which planned files already exist; throws when writing would need --force or cannot work at all.
async function inspectTarget(dir: string, files: PlannedFile[], force: boolean): Promise<ExistingFiles> {
  const found: ExistingFiles = { existing: new Set(), edited: new Set() };
  const dirStat = await statOrUndefined(dir);
  if (!dirStat) return found;
  if (!dirStat.isDirectory()) throw new UsageError(`${dir} exists and is not a folder`, "choose another folder with --dir <path>");
  for (const file of files) {
    const path = join(dir, file.path);
    const fileStat = await statOrUndefined(path);
    if (fileStat?.isDirectory())
      throw new UsageError(`${path} is a folder, kforge would write a file there`, "move the folder away or choose another --dir <path>");
    if (!fileStat) continue;
    found.existing.add(file.path);
    if (await isEdited(path, file.content)) found.edited.add(file.path);
  }
  const entries = (
    await readdir(dir).catch((error: unknown) => {
      throw describeFolderError(dir, error);
    })
  ).sort();
  if (entries.length > 0 && !force) {
    // Name every file that would be lost; the folder's other entries stay untouched, so only a sample.
    const detail = found.existing.size > 0 ? `; it would overwrite ${describeClashes(files, found)}` : ` (${describeEntries(entries)})`;
    throw new UsageError(
      `${dir} is not empty${detail}`,
      "choose an empty or new folder with --dir <path>, or pass --force to write into it (files kforge does not generate are left alone)",
    );
  }
  return found;
}

// kbuild takes M=<dir> apart at whitespace ("building multiple external modules is not supported").
function checkBuildablePath(dir: string): void {
  if (/\s/.test(dir)) {
    throw new UsageError(
      `${dir} contains whitespace, and the kernel's kbuild cannot build a module in such a path`,
      "choose a folder whose full path has no spaces with --dir <path>",
    );
  }
}

// Creates the missing folders one level at a time (never mkdir's recursive mode, which spins forever
// on /proc) and returns the first one created so a failure can remove what was made.
async function createFolders(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  for (let path = dir; !(await statOrUndefined(path)); path = dirname(path)) {
    missing.unshift(path);
    if (dirname(path) === path) break;
  }
  for (const [index, path] of missing.entries()) {
    try {
      await mkdir(path);
    } catch (error) {
      // Someone else (another kforge new into a sibling folder) made it meanwhile: fine.
      if ((error as NodeJS.ErrnoException).code === "EEXIST" && (await statOrUndefined(path))?.isDirectory()) continue;
      if (index > 0) await rm(missing[0]!, { recursive: true, force: true });
      throw describeFolderError(path, error);
    }
  }
  return missing[0];
}

function temporaryPath(dir: string, path: string): string {
  const target = join(dir, path);
  return join(dirname(target), `.${basename(target)}.kforge-${process.pid}.tmp`);
}

async function writeTemporaries(dir: string, files: PlannedFile[]): Promise<void> {
  for (const file of files) await writeFile(temporaryPath(dir, file.path), file.content, { mode: 0o644 });
}

export async function writePlan(dir: string, files: PlannedFile[], options: WriteOptions): Promise<WriteReport> {
  checkBuildablePath(dir);
  const found = await inspectTarget(dir, files, options.force);
  const report: WriteReport = {
    dir,
    created: files.filter((file) => !found.existing.has(file.path)).map((file) => file.path),
    overwritten: files.filter((file) => found.existing.has(file.path)).map((file) => file.path),
    edited: files.filter((file) => found.edited.has(file.path)).map((file) => file.path),
    dryRun: options.dryRun,
  };
  if (options.dryRun) return report;
  const firstCreated = await createFolders(dir);
  try {
    await writeTemporaries(dir, files);
  } catch (error) {
    await Promise.all(files.map((file) => rm(temporaryPath(dir, file.path), { force: true })));
    if (firstCreated) await rm(firstCreated, { recursive: true, force: true });
    throw describeFolderError(dir, error, "nothing was changed");
  }
  for (const file of files) await rename(temporaryPath(dir, file.path), join(dir, file.path));
  return report;
}
