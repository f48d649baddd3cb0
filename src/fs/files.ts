// File helpers shared across domains: optional reads and access checks that answer instead of throwing.
import { access, constants, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

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

// A report file the user asked for (--junit): its missing folders are made, as CI paths like
// reports/junit.xml expect (check-path.ts checked up front that they can be).
export async function writeOutput(path: string, text: string): Promise<void> {
  await makeFolder(dirname(path));
  await writeFile(path, text);
}

// mkdir -p whose error names the real cause: Node's recursive mkdir reports ENOENT where a folder on
// the way cannot be created (a read-only file system, no permission); this retries the first missing
// folder alone, which fails with EROFS or EACCES.
export async function makeFolder(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    let missing = path;
    while (dirname(missing) !== missing && !(await isAccessible(dirname(missing)))) missing = dirname(missing);
    await mkdir(missing).catch((cause: NodeJS.ErrnoException) => {
      if (cause.code !== "EEXIST") throw cause;
    });
    // A folder on the way was removed meanwhile (another process cleaning up): once more.
    await mkdir(path, { recursive: true });
  }
}
