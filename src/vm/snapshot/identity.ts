// What a saved state's key is made of, found on this machine: the image's content hash and the QEMU
// binary's identity and version. Both are remembered per file (path, size, modification time) in
// <cache>/snapshots/identities.json, so a warm start does not hash a 60 MB vmlinux every run.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isJsonObject, readCacheJson, type Notice } from "../../fs/cache-file.js";
import { makeFolder } from "../../fs/files.js";
import { isWriteError } from "../../fs/write-error.js";
import { run } from "../../process/exec.js";
import { snapshotDir } from "./store.js";

type Memo = Record<string, { stamp: string; value: string }>;

// Pure: the memo as read, or undefined when it is not one (then it is discarded and rebuilt).
export function acceptMemo(value: unknown): Memo | undefined {
  if (!isJsonObject(value)) return undefined;
  const memo: Memo = Object.create(null);
  for (const [id, entry] of Object.entries(value)) {
    if (!isJsonObject(entry) || typeof entry.stamp !== "string" || typeof entry.value !== "string") return undefined;
    memo[id] = { stamp: entry.stamp, value: entry.value };
  }
  return memo;
}

const memoPath = (env?: NodeJS.ProcessEnv) => join(snapshotDir(env), "identities.json");

async function rememberedFor(
  path: string,
  kind: string,
  compute: (path: string) => Promise<string>,
  env?: NodeJS.ProcessEnv,
  notice?: Notice,
): Promise<string> {
  const real = await realpath(path);
  const info = await stat(real);
  const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
  const memo = (await readCacheJson(memoPath(env), acceptMemo, notice)) ?? (Object.create(null) as Memo);
  const id = `${kind}:${real}`;
  if (memo[id]?.stamp === stamp) return memo[id].value;
  const value = await compute(real);
  memo[id] = { stamp, value };
  // Unique per write (`kforge test` on several kernels runs guests side by side in one process), and
  // named as removeLeftovers() expects.
  const temp = `${memoPath(env)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await makeFolder(snapshotDir(env));
    await writeFile(temp, `${JSON.stringify(memo, null, 2)}\n`);
    await rename(temp, memoPath(env));
  } catch (error) {
    // A read-only or full cache: the value is right, only not remembered.
    await rm(temp, { force: true });
    if (!isWriteError(error)) throw error;
  }
  return value;
}

export const hashImage = (path: string, env?: NodeJS.ProcessEnv, notice?: Notice) => rememberedFor(path, "sha256", hashFile, env, notice);

export const identifyQemu = (binary: string, env?: NodeJS.ProcessEnv, notice?: Notice) =>
  rememberedFor(binary, "qemu", async (real) => `${real} ${(await run(real, ["--version"])).stdout.split("\n")[0]?.trim()}`, env, notice);

// "yes" when the QEMU binary has the virtio-9p device a warm start's file share needs (vm/share/).
export const qemuHasVirtio9p = async (binary: string, env?: NodeJS.ProcessEnv, notice?: Notice) =>
  (await rememberedFor(
    binary,
    "virtio-9p",
    async (real) => ((await run(real, ["-device", "help"])).stdout.includes('"virtio-9p-pci"') ? "yes" : "no"),
    env,
    notice,
  )) === "yes";

// Reads the memo as a warm start would, discarding it when damaged: what `kforge kernel prune` checks.
export const checkIdentities = async (env?: NodeJS.ProcessEnv, notice?: Notice) => {
  await readCacheJson(memoPath(env), acceptMemo, notice);
};

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
