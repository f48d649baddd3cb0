// Each semantic patch's grep query, asked of spatch once (`spatch -D report --parse-cocci`, about a
// quarter of a second) and kept in kforge's cache, keyed by spatch's version and the patch's text: the
// query only changes with either. A cache that cannot be read or written costs only the asking again.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { kforgeCacheDir } from "../fs/cache-dir.js";
import { isJsonObject, readCacheJson } from "../fs/cache-file.js";
import { writeFileAtomic } from "../fs/files.js";
import { grepQueryLine, readQuery, type GrepQuery } from "./grep-query.js";
import { runTool, type RunLimits } from "./run-tool.js";

export interface SpatchIdentity {
  version?: string;
  python?: string;
}

// undefined: the patch needs no token, or its query could not be learned; either way it runs.
export async function grepQueryOf(
  patchPath: string,
  spatch: SpatchIdentity,
  env: NodeJS.ProcessEnv,
  limits: RunLimits,
): Promise<GrepQuery | undefined> {
  const text = await readFile(patchPath, "utf8").catch(() => undefined);
  if (text === undefined || spatch.version === undefined) return undefined;
  const key = createHash("sha256").update(`${spatch.version}\0${text}`).digest("hex").slice(0, 32);
  const path = join(kforgeCacheDir(env), "semantic-patch-queries", `${key}.json`);
  const cached = await readCacheJson(path, acceptCachedQuery);
  if (cached !== undefined) return cached.query === null ? undefined : readQuery(cached.query);
  const python = spatch.python ? ["--python", spatch.python] : [];
  const run = await runTool("spatch", [...python, "-D", "report", "--parse-cocci", patchPath], dirname(patchPath), limits, env);
  if (run.timedOut || run.result.exitCode !== 0) return undefined;
  const line = grepQueryLine(run.result.stdout);
  const query = line === undefined ? undefined : readQuery(line);
  await writeFileAtomic(path, JSON.stringify({ query: query ? line : null })).catch(() => undefined);
  return query;
}

const acceptCachedQuery = (value: unknown): { query: string | null } | undefined =>
  isJsonObject(value) && (value.query === null || (typeof value.query === "string" && readQuery(value.query) !== undefined))
    ? { query: value.query as string | null }
    : undefined;
