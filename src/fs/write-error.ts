// Failures to write kforge's own files (locks, build state, caches) that belong to the machine, not
// to kforge: a full disk, a read-only file system, a folder kforge may not write to. They are said
// as such, naming the folder, instead of ending as an internal error.
import { dirname } from "node:path";
import { EnvironmentError } from "../errors.js";

const FULL: Record<string, string> = { ENOSPC: "no space left on device", EDQUOT: "disk quota exceeded" };
const DENIED: Record<string, string> = { EROFS: "read-only file system", EACCES: "permission denied", EPERM: "operation not permitted" };

const codeOf = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.code ?? "";

// Whether `error` is one of these: a disk that is full or a folder kforge cannot write to.
export const isWriteError = (error: unknown): boolean => codeOf(error) in FULL || codeOf(error) in DENIED;

// The error as an EnvironmentError naming `dir` (by default the path that failed), or undefined when
// it is not a write error.
export function describeWriteError(error: unknown, dir?: string): EnvironmentError | undefined {
  const code = codeOf(error);
  const path = (error as NodeJS.ErrnoException).path;
  if (code in FULL)
    return new EnvironmentError(
      `${FULL[code]} in ${dir ?? (path ? dirname(path) : "a folder kforge writes to")}`,
      "free some space there, then run the command again",
    );
  if (code in DENIED)
    return new EnvironmentError(
      `${DENIED[code]}: ${dir ?? path ?? "a file kforge needs"}`,
      "make it writable (and readable) for you, or work on a copy in a folder you own",
    );
  return undefined;
}
