// The uncompressed vmlinux of a bzImage, extracted once and cached: booting it through the PVH entry
// point skips the guest's own decompression, the largest part of a TCG boot.
import { createHash } from "node:crypto";
import { open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { run } from "../../process/exec.js";
import { kforgeCacheDir } from "../../fs/cache-dir.js";
import { describeCacheWriteFailure, discardCacheFile, type Notice } from "../../fs/cache-file.js";
import { makeFolder } from "../../fs/files.js";
import { isWriteError } from "../../fs/write-error.js";
import { constants, gunzipSync } from "node:zlib";
import { imageArchitecture } from "./image-architecture.js";
import { extractPayload, hasPvhEntry, type PayloadCompression } from "./pvh-note.js";

export interface BootImage {
  path: string;
  // "pvh": an extracted vmlinux; "bzimage": the image as given (no PVH note, or extraction failed);
  // "image": another architecture's kernel image, booted as it is.
  entry: "pvh" | "bzimage" | "image";
  // The kernel's architecture (image-architecture.ts); x86_64 when the header names none.
  architecture: string;
  reason?: string;
}

const DECOMPRESSORS: Partial<Record<PayloadCompression, { tool: string; suffix: string; args: (file: string) => string[] }>> = {
  xz: { tool: "xz", suffix: ".xz", args: (file) => ["-d", "-k", "-f", file] },
  zstd: { tool: "zstd", suffix: ".zst", args: (file) => ["-d", "-q", "-f", file] },
  gzip: { tool: "gzip", suffix: ".gz", args: (file) => ["-d", "-k", "-f", file] },
  lz4: { tool: "lz4", suffix: ".lz4", args: (file) => ["-d", "-q", "-f", file, file.slice(0, -4)] },
  bzip2: { tool: "bzip2", suffix: ".bz2", args: (file) => ["-d", "-k", "-f", file] },
  lzma: { tool: "xz", suffix: ".lzma", args: (file) => ["--format=lzma", "-d", "-k", "-f", file] },
};

const KASAN_REPORT_PREFIX = "BUG: KASAN: ";

// Enough of an image to hold its header (image-architecture.ts), gzip'd or not.
const HEADER_BYTES = 64 * 1024;

export async function prepareBootImage(
  bzImagePath: string,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; notice?: Notice } = {},
): Promise<BootImage> {
  // Only a bzImage is read whole (its payload and PVH note): an arm64 Image is 30-40 MB, read on every run for nothing.
  const architecture = imageArchitecture(await readImageHeader(bzImagePath)) ?? "x86_64";
  if (architecture !== "x86_64") return { path: bzImagePath, entry: "image", architecture };
  return { ...(await prepareX86Image(bzImagePath, await readFile(bzImagePath), options)), architecture };
}

// The image's first bytes; of a gzip'd image (an arm64 Image.gz), their start decompressed.
async function readImageHeader(path: string): Promise<Buffer> {
  const file = await open(path);
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(HEADER_BYTES), 0, HEADER_BYTES, 0);
    const header = buffer.subarray(0, bytesRead);
    return header[0] === 0x1f && header[1] === 0x8b ? gunzipSync(header, { finishFlush: constants.Z_SYNC_FLUSH }) : header;
  } finally {
    await file.close();
  }
}

async function prepareX86Image(
  bzImagePath: string,
  bzImage: Buffer,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal; notice?: Notice },
): Promise<Omit<BootImage, "architecture">> {
  if (hasPvhEntry(bzImage)) return { path: bzImagePath, entry: "pvh" };
  const hash = createHash("sha256").update(bzImage).digest("hex").slice(0, 16);
  const cacheDir = join(kforgeCacheDir(options.env), "vmlinux");
  const target = join(cacheDir, `${basename(bzImagePath)}-${hash}`);
  const noPvhMarker = `${target}.no-pvh`;
  const cached = await stat(target).catch(() => undefined);
  // Cut short (a full disk, a killed copy), it would boot into a hang that looks like a timeout.
  const expected = extractPayload(bzImage)?.uncompressedSize;
  if (cached && cached.size === expected) return { path: target, entry: "pvh" };
  if (cached) await discardCacheFile(target, `${cached.size} bytes where the kernel has ${expected}`, options.notice);
  const marker = await readFile(noPvhMarker, "utf8").catch(() => undefined);
  if (marker !== undefined && /^[\x20-\x7e]{1,200}$/.test(marker)) return { path: bzImagePath, entry: "bzimage", reason: marker };
  if (marker !== undefined) await discardCacheFile(noPvhMarker, "not a reason kforge wrote", options.notice);
  try {
    await makeFolder(cacheDir);
    const found = await extractVmlinux(bzImage, target, options.signal);
    if (!found) return { path: target, entry: "pvh" };
    // One printable line, as the check above expects (a decompressor's stderr may hold several).
    const reason = found
      .replace(/[^\x20-\x7e]+/g, " ")
      .trim()
      .slice(0, 200);
    await writeFile(noPvhMarker, reason);
    return { path: bzImagePath, entry: "bzimage", reason };
  } catch (error) {
    // A read-only or full cache: the image boots as it is, only slower.
    if (!isWriteError(error)) throw error;
    return { path: bzImagePath, entry: "bzimage", reason: describeCacheWriteFailure(error, kforgeCacheDir(options.env)) };
  }
}

// Writes the vmlinux to `target`; returns why it could not (then the bzImage is booted instead).
async function extractVmlinux(bzImage: Buffer, target: string, signal?: AbortSignal): Promise<string | undefined> {
  const extracted = extractPayload(bzImage);
  if (!extracted) return "not a bzImage with a recognised compressed payload";
  const work = `${target}.partial-${process.pid}`;
  try {
    let vmlinux: Buffer;
    if (extracted.compression === "none") {
      vmlinux = extracted.payload;
    } else {
      const decompressor = DECOMPRESSORS[extracted.compression]!;
      await writeFile(work + decompressor.suffix, extracted.payload);
      const result = await run(decompressor.tool, decompressor.args(work + decompressor.suffix), { signal });
      if (result.failed)
        return `${decompressor.tool} could not decompress the ${extracted.compression} payload: ${result.stderr.trim() || "not installed"}`;
      vmlinux = await readFile(work);
    }
    if (vmlinux.length !== extracted.uncompressedSize) return "the decompressed kernel has the wrong size";
    if (!hasPvhEntry(vmlinux)) return "the kernel has no PVH entry point (CONFIG_PVH is off)";
    // Measured with QEMU 7.2 under TCG: a KASAN kernel entered through PVH hangs before its first
    // console line, while the same kernel's bzImage boots.
    if (vmlinux.includes(KASAN_REPORT_PREFIX)) return "a KASAN kernel does not boot through the PVH entry point";
    await writeFile(work, vmlinux);
    await rename(work, target);
    return undefined;
  } finally {
    for (const suffix of ["", ...Object.values(DECOMPRESSORS).map((entry) => entry!.suffix)]) await rm(work + suffix, { force: true });
  }
}
