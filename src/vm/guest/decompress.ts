// Reads a possibly compressed kernel module (.ko.xz / .ko.zst / .ko.gz), decompressed on the host
// because busybox insmod in the guest may not handle compressed modules.
import { copyFile, readFile, rm } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { basename, join } from "node:path";
import { KforgeError } from "../../errors.js";
import { run } from "../../process/exec.js";

const TOOLS: Record<string, { tool: string; args: string[] }> = {
  ".xz": { tool: "xz", args: ["-d", "-f"] },
  ".zst": { tool: "zstd", args: ["-d", "-q", "-f", "--rm"] },
};

export async function readModuleFile(path: string, workDir: string): Promise<Buffer> {
  if (path.endsWith(".gz")) return gunzipSync(await readFile(path));
  const suffix = Object.keys(TOOLS).find((candidate) => path.endsWith(candidate));
  if (!suffix) return readFile(path);
  const { tool, args } = TOOLS[suffix]!;
  const copy = join(workDir, basename(path));
  await copyFile(path, copy);
  const result = await run(tool, [...args, copy]);
  const output = copy.slice(0, -suffix.length);
  try {
    if (result.failed)
      throw new KforgeError(`cannot decompress ${path}: ${result.stderr.trim() || `${tool} is not installed`}`, {
        exitCode: 2,
        hint: `install ${tool}`,
      });
    return await readFile(output);
  } finally {
    await rm(output, { force: true });
    await rm(copy, { force: true });
  }
}
