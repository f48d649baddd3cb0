// File helpers shared across domains: optional reads and access checks that answer instead of throwing.
import { access, constants, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import { UsageError } from "../errors.js";

// The file's text, or undefined when it does not exist; other errors (permissions, EISDIR) still throw.
export async function readOptionalText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export async function isAccessible(path: string, mode: number = constants.F_OK): Promise<boolean> {
  try {
    await access(path, mode);
    return true;
  } catch {
    return false;
  }
}

// Writes a report whole or not at all: a temp file beside it, renamed over it, so an interrupted or
// failed run never leaves half a file where CI reads one.
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const { rename, rm, writeFile } = await import("node:fs/promises");
  const temporary = `${path}.kforge-${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

// A report file the command line names must be writable before a long run starts, not after it.
export async function assertReportWritable(path: string, option: string): Promise<void> {
  if (await isAccessible(dirname(path), constants.W_OK)) return;
  throw new UsageError(
    `${option} ${path}: cannot write there (${dirname(path)} does not exist or is not writable)`,
    "create the directory first, or name a file in a writable directory",
  );
}
