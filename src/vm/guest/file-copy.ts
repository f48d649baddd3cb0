// Pure: copying files out of a running guest over the command channel, the way coverage's counters
// come back (coverage/guest-counters.ts): a command prints what it read as text, the agent sends
// that output as one frame, and the host believes only well-formed lines. A listing names every
// entry under a dir (its kind, its size and its name in hex, so any byte of a name survives), then
// each regular file is read in chunks, one command per chunk, so no frame (and no host buffer) holds
// more than CHUNK_BYTES of it. A chunk travels gzipped (the serial port moves some 40 KB/s under
// TCG, and logs and XML shrink several times). The guest is untrusted: what it lists is checked by
// the caller (vm/artifacts/names.ts), and a chunk that inflates beyond what was asked for is refused
// before it is inflated further.
import { gunzipSync } from "node:zlib";
import { quoteShell } from "./protocol.js";

// Small enough that a chunk the run's time limit cuts short leaves the agent busy for a few seconds
// only (its base64, sent base64-encoded again by the agent, is some 120 KB on the port).
export const CHUNK_BYTES = 64 * 1024;
// gzip's worst case on incompressible data, with headroom.
const MAX_GZIPPED_BYTES = CHUNK_BYTES + 1024;
const TAG = "kforge-file";

export type GuestEntryKind = "file" | "link" | "other";

export interface GuestEntry {
  kind: GuestEntryKind;
  size: number;
  // The name's bytes, relative to the listed dir, as hex (checked by the caller).
  hexName: string;
}

// Lists every entry under `dir` but the dirs themselves, without following symlinks; nothing when
// the dir is missing. Hidden names are listed too.
export function listFilesCommand(dir: string): string {
  return [
    `cd ${quoteShell(dir)} 2>/dev/null || exit 0`,
    "walk() {",
    `  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do`,
    `    [ -e "$entry" ] || [ -L "$entry" ] || continue`,
    `    if [ -L "$entry" ]; then kind=link; size=0`,
    `    elif [ -d "$entry" ]; then walk "$entry"; continue`,
    `    elif [ -f "$entry" ]; then kind=file; size=$(stat -c %s "$entry")`,
    "    else kind=other; size=0; fi",
    `    echo "${TAG} $kind $size $(printf %s "\${entry#./}" | hexdump -ve '1/1 "%.2x"')"`,
    "  done",
    "}",
    "walk .",
  ].join("\n");
}

const LISTING_LINE = new RegExp(`^${TAG} (file|link|other) (\\d{1,15}) ((?:[0-9a-f]{2}){1,4096})$`);

// The entries a listing names, in its order; at most `maxEntries` (the rest is counted).
export function parseFileList(output: string, maxEntries: number): { entries: GuestEntry[]; dropped: number } {
  const entries: GuestEntry[] = [];
  let dropped = 0;
  for (const line of output.split("\n")) {
    const match = LISTING_LINE.exec(line.trimEnd());
    if (!match) continue;
    if (entries.length >= maxEntries) {
      dropped++;
      continue;
    }
    entries.push({ kind: match[1] as GuestEntryKind, size: Number(match[2]), hexName: match[3]! });
  }
  return { entries, dropped };
}

// Prints the chunk-th CHUNK_BYTES of a regular file under `dir`, gzipped, as base64; exit 3 when the
// name is no longer a regular file (replaced by a link since it was listed).
export function readChunkCommand(dir: string, name: string, chunk: number): string {
  const path = quoteShell(`${dir}/${name}`);
  return [
    `[ -f ${path} ] && [ ! -L ${path} ] || { echo "not a regular file"; exit 3; }`,
    `dd if=${path} bs=${CHUNK_BYTES} skip=${chunk} count=1 iflag=fullblock 2>/dev/null | gzip -1 | base64 -w 0`,
  ].join("\n");
}

// The chunk's bytes, or undefined when the output is not base64 of gzip data of at most CHUNK_BYTES.
export function parseChunk(output: string): Buffer | undefined {
  const text = output.trim();
  if (text.length > Math.ceil(MAX_GZIPPED_BYTES / 3) * 4 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  try {
    // Inflating stops at the bound: a gzip bomb costs at most CHUNK_BYTES.
    return gunzipSync(Buffer.from(text, "base64"), { maxOutputLength: CHUNK_BYTES });
  } catch {
    return undefined;
  }
}
