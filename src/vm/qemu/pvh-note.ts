// Pure: whether an uncompressed vmlinux can be booted directly through the PVH entry point, which
// QEMU uses when -kernel is an ELF carrying the Xen note XEN_ELFNOTE_PHYS32_ENTRY (18).
const PT_NOTE = 4;
const XEN_ELFNOTE_PHYS32_ENTRY = 18;
const align4 = (value: number) => (value + 3) & ~3;

export function isElf64(bytes: Buffer): boolean {
  return bytes.length > 64 && bytes.readUInt32BE(0) === 0x7f454c46 && bytes[4] === 2 && bytes[5] === 1;
}

export function hasPvhEntry(bytes: Buffer): boolean {
  if (!isElf64(bytes)) return false;
  const programHeaders = Number(bytes.readBigUInt64LE(0x20));
  const entrySize = bytes.readUInt16LE(0x36);
  const count = bytes.readUInt16LE(0x38);
  for (let index = 0; index < count; index++) {
    const header = programHeaders + index * entrySize;
    if (bytes.readUInt32LE(header) !== PT_NOTE) continue;
    const offset = Number(bytes.readBigUInt64LE(header + 8));
    const size = Number(bytes.readBigUInt64LE(header + 32));
    if (scanNotes(bytes.subarray(offset, offset + size))) return true;
  }
  return false;
}

function scanNotes(notes: Buffer): boolean {
  let position = 0;
  while (position + 12 <= notes.length) {
    const nameSize = notes.readUInt32LE(position);
    const descriptionSize = notes.readUInt32LE(position + 4);
    const type = notes.readUInt32LE(position + 8);
    const name = notes
      .subarray(position + 12, position + 12 + nameSize)
      .toString("latin1")
      .replace(/\0+$/, "");
    if (name === "Xen" && type === XEN_ELFNOTE_PHYS32_ENTRY) return true;
    position += 12 + align4(nameSize) + align4(descriptionSize);
  }
  return false;
}

export type PayloadCompression = "xz" | "zstd" | "gzip" | "lz4" | "bzip2" | "lzma" | "none";

// Pure: the compressed kernel inside a bzImage (boot protocol: setup_sects at 0x1f1, payload_offset
// 0x248 and payload_length 0x24c relative to the protected-mode code). The payload ends with the
// 4-byte uncompressed size, which decompressors reject as trailing garbage, so it is cut off here.
export function extractPayload(
  bzImage: Buffer,
): { payload: Buffer; compression: PayloadCompression; uncompressedSize: number } | undefined {
  if (bzImage.length < 0x250 || bzImage.toString("latin1", 0x202, 0x206) !== "HdrS") return undefined;
  const setupSectors = bzImage[0x1f1] || 4;
  const start = (setupSectors + 1) * 512 + bzImage.readUInt32LE(0x248);
  const length = bzImage.readUInt32LE(0x24c);
  if (length < 8 || start + length > bzImage.length) return undefined;
  const payload = bzImage.subarray(start, start + length - 4);
  const compression = detectCompression(payload);
  if (!compression) return undefined;
  return { payload, compression, uncompressedSize: bzImage.readUInt32LE(start + length - 4) };
}

function detectCompression(payload: Buffer): PayloadCompression | undefined {
  const hex = payload.subarray(0, 6).toString("hex");
  if (hex === "fd377a585a00") return "xz";
  if (hex.startsWith("28b52ffd")) return "zstd";
  if (hex.startsWith("1f8b")) return "gzip";
  if (hex.startsWith("02214c18")) return "lz4";
  if (hex.startsWith("425a68")) return "bzip2";
  if (hex.startsWith("5d0000")) return "lzma";
  return isElf64(payload) ? "none" : undefined;
}
