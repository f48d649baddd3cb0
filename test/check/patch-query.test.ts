// Each semantic patch's grep query, asked of the real spatch once and then read from kforge's cache.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kforgeCacheDir } from "../../src/fs/cache-dir.js";
import { grepQueryOf } from "../../src/check/patch-query.js";

const source = join(kforgeCacheDir(), "sources", "linux-source-6.12", "scripts", "coccinelle");
const root = mkdtempSync(join(tmpdir(), "kforge-patch-query-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const limits = { timeoutMs: 60_000 };
const spatch = { version: "1.1.1" };

describe("grepQueryOf", () => {
  const env = { ...process.env, XDG_CACHE_HOME: root };
  const queries = join(root, "kforge", "semantic-patch-queries");
  const memdup = join(source, "api", "memdup.cocci");

  it("asks spatch for a patch's query once and answers from the cache after that", async () => {
    expect(await grepQueryOf(memdup, spatch, env, limits)).toEqual({
      any: [{ token: "memcpy" }, { token: "kzalloc" }, { token: "kmalloc" }],
    });
    expect(readdirSync(queries)).toHaveLength(1);
    // No spatch on PATH: only the cache can answer.
    const noSpatch = { ...env, PATH: "/nonexistent" };
    expect(await grepQueryOf(memdup, spatch, noSpatch, limits)).toEqual({ any: expect.any(Array) });
    // Another spatch version asks again, and cannot here.
    expect(await grepQueryOf(memdup, { version: "1.2" }, noSpatch, limits)).toBeUndefined();
  });

  it("remembers that a patch needs no token, and asks again when the cache file is damaged", async () => {
    const semicolon = join(source, "misc", "semicolon.cocci");
    expect(await grepQueryOf(semicolon, spatch, env, limits)).toBeUndefined();
    expect(readdirSync(queries)).toHaveLength(2);
    for (const file of readdirSync(queries)) writeFileSync(join(queries, file), '{"query": "a ||"}');
    expect(await grepQueryOf(memdup, spatch, env, limits)).toEqual({ any: expect.any(Array) });
    expect(existsSync(queries) && readdirSync(queries)).toHaveLength(2);
  });
});
