// File helpers shared across domains: optional reads and access checks that answer instead of throwing.
import { access, constants, readFile } from "node:fs/promises";

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
