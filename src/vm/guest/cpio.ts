// Pure writer for the "newc" cpio format the kernel unpacks as an initramfs, so no cpio binary and
// no root (device nodes are just header fields) are needed.

export type CpioEntry =
  | { kind: "directory"; path: string; mode?: number }
  | { kind: "file"; path: string; data: Buffer; mode?: number }
  | { kind: "symlink"; path: string; target: string }
  | { kind: "char-device"; path: string; major: number; minor: number; mode?: number };

const TYPE_BITS = { directory: 0o040000, file: 0o100000, symlink: 0o120000, "char-device": 0o020000 } as const;
const DEFAULT_MODE = { directory: 0o755, file: 0o644, symlink: 0o777, "char-device": 0o600 } as const;

const hex = (value: number) => value.toString(16).padStart(8, "0");
const padding = (length: number) => Buffer.alloc((4 - (length % 4)) % 4);

function entryData(entry: CpioEntry): Buffer {
  if (entry.kind === "file") return entry.data;
  if (entry.kind === "symlink") return Buffer.from(entry.target);
  return Buffer.alloc(0);
}

function entryMode(entry: CpioEntry): number {
  const permissions = entry.kind === "symlink" ? DEFAULT_MODE.symlink : (entry.mode ?? DEFAULT_MODE[entry.kind]);
  return TYPE_BITS[entry.kind] | permissions;
}

function encodeEntry(inode: number, name: string, mode: number, data: Buffer, device = { major: 0, minor: 0 }): Buffer {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [
    inode,
    mode,
    0,
    0,
    mode & TYPE_BITS.directory ? 2 : 1,
    0,
    data.length,
    0,
    0,
    device.major,
    device.minor,
    nameBytes.length,
    0,
  ];
  const header = Buffer.from(`070701${fields.map(hex).join("")}`);
  return Buffer.concat([header, nameBytes, padding(header.length + nameBytes.length), data, padding(data.length)]);
}

// Entries are written in the given order: list a directory before what it contains.
export function createCpioArchive(entries: readonly CpioEntry[]): Buffer {
  const parts = entries.map((entry, index) => {
    const name = entry.path.replace(/^\/+/, "");
    const device = entry.kind === "char-device" ? { major: entry.major, minor: entry.minor } : undefined;
    return encodeEntry(index + 1, name, entryMode(entry), entryData(entry), device);
  });
  parts.push(encodeEntry(0, "TRAILER!!!", 0, Buffer.alloc(0)));
  return Buffer.concat(parts);
}
