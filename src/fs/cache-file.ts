// Files in kforge's cache are kforge's own, but anything may have damaged one (a full disk, a killed
// process, an editor, another kforge version). Each is read through here: one that does not parse
// as what kforge writes is removed with a notice, and the caller goes on as if it had never existed
// (a cold boot, a fresh probe), never trusting it and never throwing over it.
import { readFile, rm } from "node:fs/promises";

export type Notice = (message: string) => void;

// The JSON value at `path` as `accept` takes it; undefined when the file is missing, or damaged (then
// it is discarded). `accept` returns undefined for a value of the wrong shape.
export async function readCacheJson<T>(path: string, accept: (value: unknown) => T | undefined, notice?: Notice): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") await discardCacheFile(path, (error as Error).message, notice);
    return undefined;
  }
  let value: T | undefined;
  try {
    value = accept(JSON.parse(text));
  } catch {
    value = undefined;
  }
  if (value === undefined) await discardCacheFile(path, "not what kforge writes there", notice);
  return value;
}

export async function discardCacheFile(path: string, problem: string, notice?: Notice): Promise<void> {
  await rm(path, { force: true }).catch(() => undefined);
  notice?.(`discarded a damaged cache file, ${path} (${problem}); kforge makes it again`);
}

// Pure: how a notice says that kforge's cache cannot be written, for the caller to add what it does
// instead (builds without the probe cache, boots without saved states).
export function describeCacheWriteFailure(error: unknown, cacheDir: string): string {
  const cause = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return `cannot write kforge's cache in ${cacheDir} (${cause})`;
}

// Pure: whether `value` is a plain JSON object (not null, not a list).
export const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
