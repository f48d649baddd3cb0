// Turns a failed file-system call on the module folder into a usage error that says why and what to
// do, so a folder kforge cannot create or write never ends in a stack trace. Pure.
import { UsageError } from "../errors.js";

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "the operation is not permitted there",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "something already exists there",
  // mkdir in /proc and similar kernel file systems reports ENOENT although the parent exists.
  ENOENT: "the file system does not allow creating it (a kernel file system such as /proc or /sys?)",
  ENOSPC: "the disk is full",
  EDQUOT: "the disk quota is exhausted",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "the path has too many symbolic links",
};

export function describeFolderError(path: string, error: unknown, outcome?: string): UsageError {
  const code = (error as NodeJS.ErrnoException).code ?? "";
  const reason = REASONS[code] ?? (error as Error).message;
  const suffix = outcome ? `; ${outcome}` : "";
  return new UsageError(
    `cannot create or write ${path}: ${reason}${code ? ` (${code})` : ""}${suffix}`,
    "choose a folder you can write to with --dir <path>, e.g. one under your home directory",
  );
}
