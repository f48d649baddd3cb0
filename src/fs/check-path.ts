// Checks of paths given on the command line, made before any work starts: a missing module dir is
// said as such (not as "no built modules", nor with a guest booted for nothing), and an output file
// whose folder cannot be made or written is refused before a long run whose results it would lose.
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "../errors.js";

const FOLDER_HINT = "pass the directory that holds your module's Kbuild or Makefile";

// `role` names the folder in the error: "module directory".
export async function assertFolder(path: string, role: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new UsageError(`${role} ${path} does not exist`, FOLDER_HINT);
  if (!info.isDirectory()) throw new UsageError(`${role} ${path} is not a directory`, FOLDER_HINT);
}

// `option` names where the path came from (--junit). The file may not exist yet; its folder, or the
// nearest one above that exists, must be a folder kforge can write in (missing ones are made later).
export async function assertWritableOutput(path: string, option: string): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing && !existing.isFile())
    throw new UsageError(`${option} ${path} is not a regular file`, `give ${option} the path of a file to write`);
  let folder = dirname(path);
  while (!(await stat(folder).catch(() => undefined)) && dirname(folder) !== folder) folder = dirname(folder);
  const info = await stat(folder).catch(() => undefined);
  const usable =
    info?.isDirectory() &&
    (await access(existing ? path : folder, constants.W_OK).then(
      () => true,
      () => false,
    ));
  if (!usable) {
    const reason = info?.isDirectory() ? `${existing ? path : folder} is not writable` : `${folder} is not a directory`;
    throw new UsageError(`${option} ${path} cannot be written: ${reason}`, `give ${option} a path in a folder you can write to`);
  }
}

// The report files of a command, by option (relative paths from cwd); an option not given is left out.
export async function assertWritableOutputs(cwd: string, files: Record<string, string | undefined>): Promise<void> {
  for (const [option, path] of Object.entries(files)) if (path !== undefined) await assertWritableOutput(resolve(cwd, path), option);
}
