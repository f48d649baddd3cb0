// What a saved state's key is made of, found on this machine: the image's content hash and the QEMU
// binary's identity and version. Both are remembered per file (path, size, modification time) in
// <cache>/snapshots/identities.json, so a warm start does not hash a 60 MB vmlinux every run.
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, realpath, rename, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "../../process/exec.js";
import { snapshotDir } from "./store.js";

type Memo = Record<string, { stamp: string; value: string }>;

const memoPath = (env?: NodeJS.ProcessEnv) => join(snapshotDir(env), "identities.json");

async function rememberedFor(
  path: string,
  kind: string,
  compute: (path: string) => Promise<string>,
  env?: NodeJS.ProcessEnv,
): Promise<string> {
  const real = await realpath(path);
  const info = await stat(real);
  const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
  const memo = JSON.parse((await readFile(memoPath(env), "utf8").catch(() => "{}")) || "{}") as Memo;
  const id = `${kind}:${real}`;
  if (memo[id]?.stamp === stamp) return memo[id].value;
  const value = await compute(real);
  memo[id] = { stamp, value };
  await mkdir(snapshotDir(env), { recursive: true });
  // Unique per write (`kforge test` on several kernels runs guests side by side in one process), and
  // named as removeLeftovers() expects.
  const temp = `${memoPath(env)}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  await writeFile(temp, `${JSON.stringify(memo, null, 2)}\n`);
  await rename(temp, memoPath(env));
  return value;
}

export const hashImage = (path: string, env?: NodeJS.ProcessEnv) => rememberedFor(path, "sha256", hashFile, env);

export const identifyQemu = (binary: string, env?: NodeJS.ProcessEnv) =>
  rememberedFor(binary, "qemu", async (real) => `${real} ${(await run(real, ["--version"])).stdout.split("\n")[0]?.trim()}`, env);

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    createReadStream(path)
      .on("data", (chunk) => hash.update(chunk))
      .on("error", reject)
      .on("end", () => resolve(hash.digest("hex")));
  });
}
