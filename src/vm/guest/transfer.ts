// Files into a running guest over the serial command channel: the fallback when the guest cannot
// mount the run's file share (vm/share/). Slow (about 75 KB/s under TCG), so large transfers show
// their progress and every transfer ends by the run's --timeout.
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { KforgeError } from "../../errors.js";
import { binutilsFor } from "../../module/binutils.js";
import { elfHeaderMachine } from "../../module/elf.js";
import { run } from "../../process/exec.js";
import type { GuestSession } from "./channel.js";
import { readModuleFile } from "./decompress.js";
import { GUEST_WORK_DIR, guestModulePath } from "./init-script.js";

export interface Send {
  guestPath: string;
  data: Buffer;
}

// A transfer this big says how far it got, every PROGRESS_EVERY_MS.
const PROGRESS_BYTES = 64 * 1024;
const PROGRESS_EVERY_MS = 2000;

// The serial port moves about 75 KB/s under TCG, less on a loaded host; a debug kernel's in-tree
// modules (KASAN-instrumented videodev) are megabytes even without debug info.
const transferTimeoutMs = (bytes: number) => 30_000 + Math.ceil(bytes / 10_000) * 1000;

export const prepareSends = (content: { modules: string[]; files: string[]; workDir: string }): Promise<Send[]> =>
  Promise.all([
    ...content.modules.map(async (path) => ({
      guestPath: guestModulePath(path),
      data: await withoutDebugInfo(await readModuleFile(path, content.workDir), content.workDir),
    })),
    ...content.files.map(async (path) => ({ guestPath: `${GUEST_WORK_DIR}/${basename(path)}`, data: await readFile(path) })),
  ]);

export interface SerialSendOptions {
  // When the run's --timeout ends (epoch ms).
  deadline?: number;
  signal?: AbortSignal;
  progress?: (message: string) => void;
}

// "sent", "interrupted" (Ctrl-C closed the channel), or a KforgeError saying what failed.
export async function sendOverSerial(session: GuestSession, sends: Send[], options: SerialSendOptions): Promise<"sent" | "interrupted"> {
  for (const { guestPath, data } of sends) {
    if (options.signal?.aborted) return "interrupted";
    const sent = Date.now();
    const left = (options.deadline ?? Infinity) - sent;
    const timeoutMs = Math.max(0, Math.min(transferTimeoutMs(data.length), left));
    const onProgress =
      data.length >= PROGRESS_BYTES && options.progress ? reportProgress(guestPath, data.length, options.progress) : undefined;
    const outcome = await session.sendFile(guestPath, data, { timeoutMs, onProgress, progressEveryMs: PROGRESS_EVERY_MS });
    if (outcome !== "sent" && options.signal?.aborted) return "interrupted";
    if (outcome === "timed out" && timeoutMs === left) {
      throw new KforgeError(
        `sending ${guestPath} (${formatKb(data.length)}) over the serial port did not finish within --timeout ` +
          `(${Math.round((options.deadline! - sent) / 1000)} s left when it started)`,
        { hint: "run with --cold (the files then travel in the initramfs), or raise --timeout" },
      );
    }
    if (outcome !== "sent") {
      throw new KforgeError(`sending ${guestPath} (${data.length} bytes) into the guest failed after ${Date.now() - sent} ms: ${outcome}`, {
        hint: "run again with --cold, which puts the files into the initramfs instead",
      });
    }
  }
  return "sent";
}

const formatKb = (bytes: number) => `${Math.round(bytes / 1024)} KB`;

const reportProgress = (guestPath: string, total: number, progress: (message: string) => void) => (bytes: number) =>
  progress(`sending ${basename(guestPath)} over the serial port: ${formatKb(bytes)} of ${formatKb(total)}`);

const SIGNATURE_MARKER = Buffer.from("~Module signature appended~\n");

// The serial channel moves about 100 KB/s under TCG, and debug info is most of a module built with
// it; the guest never reads it (crash reports are located from the host's copy). A signed module
// is sent as is: stripping would break its signature.
export async function withoutDebugInfo(data: Buffer, workDir: string): Promise<Buffer> {
  if (data.subarray(-SIGNATURE_MARKER.length).equals(SIGNATURE_MARKER)) return data;
  const input = join(workDir, `strip-${randomBytes(4).toString("hex")}.ko`);
  await writeFile(input, data);
  const stripped = await run(binutilsFor("objcopy", elfHeaderMachine(data)), ["--strip-debug", input, `${input}.out`]);
  return stripped.failed ? data : readFile(`${input}.out`);
}
