// The kernel log lines one action caused: remember the last /dev/kmsg sequence number before it, read
// the records after it. Falls back to counting `dmesg` lines where /dev/kmsg cannot be read
// (dmesg_restrict for non-root). A regular file at the kmsg path is a recorded dump (tests, --proc-root).
import { closeSync, constants, openSync, readSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseKmsgRecord, type KmsgRecord } from "../kernel-log/explain.js";
import { run } from "../process/exec.js";

export interface KernelLogCursor {
  // Marks "now"; readNew() returns what came after the last mark.
  mark(): Promise<void>;
  readNew(): Promise<KmsgRecord[]>;
  source: "kmsg" | "dmesg";
}

// One read() on /dev/kmsg returns one record; EAGAIN ends a non-blocking drain, EPIPE means records
// were overwritten before we read them (keep going).
function drainDevice(path: string): KmsgRecord[] {
  const descriptor = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const buffer = Buffer.alloc(16384);
  const records: KmsgRecord[] = [];
  try {
    for (;;) {
      let size: number;
      try {
        size = readSync(descriptor, buffer, 0, buffer.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "EPIPE") continue;
        if ((error as NodeJS.ErrnoException).code === "EAGAIN") break;
        throw error;
      }
      if (size === 0) break;
      const record = parseKmsgRecord(buffer.toString("utf8", 0, size));
      if (record) records.push(record);
    }
  } finally {
    closeSync(descriptor);
  }
  return records;
}

// Pure: a dump of /dev/kmsg records, one per line, continuation lines starting with a space.
export function parseKmsgDump(text: string): KmsgRecord[] {
  return text
    .split("\n")
    .filter((line) => line && !line.startsWith(" "))
    .flatMap((line) => parseKmsgRecord(line) ?? []);
}

async function readKmsg(path: string): Promise<KmsgRecord[]> {
  if (statSync(path).isCharacterDevice()) return drainDevice(path);
  return parseKmsgDump(await readFile(path, "utf8"));
}

function canRead(path: string): boolean {
  try {
    if (statSync(path).isCharacterDevice()) closeSync(openSync(path, constants.O_RDONLY | constants.O_NONBLOCK));
    else statSync(path);
    return true;
  } catch {
    return false;
  }
}

function createKmsgCursor(path: string): KernelLogCursor {
  let last = -1;
  return {
    source: "kmsg",
    async mark() {
      const records = await readKmsg(path);
      last = records.length ? records[records.length - 1]!.sequence : last;
    },
    async readNew() {
      const records = (await readKmsg(path)).filter((record) => record.sequence > last);
      if (records.length) last = records[records.length - 1]!.sequence;
      return records;
    },
  };
}

// dmesg -r prints "<pri>[ time] message": the level survives, the sequence does not, so count lines.
function createDmesgCursor(prefix: string[]): KernelLogCursor {
  let seen = 0;
  const read = async () => {
    const [file, ...args] = [...prefix, "dmesg", "-r"];
    const result = await run(file!, args);
    return result.failed ? [] : result.stdout.split("\n").filter(Boolean);
  };
  return {
    source: "dmesg",
    async mark() {
      seen = (await read()).length;
    },
    async readNew() {
      const lines = await read();
      const fresh = lines.slice(Math.min(seen, lines.length));
      seen = lines.length;
      return fresh.map((line, index) => {
        const match = line.match(/^<(\d+)>(?:\[\s*[\d.]+\]\s?)?(.*)$/);
        const priority = match ? Number(match[1]) : 6;
        return { level: priority & 7, facility: priority >> 3, sequence: index, timestampUs: 0, message: match ? match[2]! : line };
      });
    },
  };
}

export function createKernelLogCursor(options: { kmsgPath: string; sudoPrefix: string[] }): KernelLogCursor {
  if (canRead(options.kmsgPath)) return createKmsgCursor(options.kmsgPath);
  return createDmesgCursor(options.sudoPrefix);
}
