// The guest's side of copying files out runs here in the busybox sh the guest runs, on a real dir
// holding what a hostile step could leave: links, a FIFO, hidden files, names with escapes and newlines.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { CHUNK_BYTES, listFilesCommand, parseChunk, parseFileList, readChunkCommand } from "../../../src/vm/guest/file-copy.js";

const root = mkdtempSync(join(tmpdir(), "kforge-file-copy-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const sh = (command: string) => execFileSync("busybox", ["sh", "-c", command], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
const nameOf = (hex: string) => Buffer.from(hex, "hex").toString("utf8");

describe("listFilesCommand and parseFileList", () => {
  const dir = join(root, "out");
  mkdirSync(join(dir, "sub", "deep"), { recursive: true });
  writeFileSync(join(dir, "junit.xml"), "<testsuite/>");
  writeFileSync(join(dir, "sub", "deep", "log.txt"), "x".repeat(5000));
  writeFileSync(join(dir, ".hidden"), "h");
  writeFileSync(join(dir, "esc\x1b[2J"), "");
  writeFileSync(join(dir, "two\nlines"), "");
  symlinkSync("/etc/passwd", join(dir, "link"));
  symlinkSync("/etc", join(dir, "dirlink"));
  execFileSync("mkfifo", [join(dir, "fifo")]);

  it("names every entry but dirs, with its kind and size, any byte of its name intact, links not followed", () => {
    const { entries, dropped } = parseFileList(sh(listFilesCommand(dir)), 100);
    const seen = entries.map((entry) => [nameOf(entry.hexName), entry.kind, entry.size]).sort();
    expect(seen).toEqual(
      [
        [".hidden", "file", 1],
        ["dirlink", "link", 0],
        ["esc\x1b[2J", "file", 0],
        ["fifo", "other", 0],
        ["junit.xml", "file", 12],
        ["link", "link", 0],
        ["sub/deep/log.txt", "file", 5000],
        ["two\nlines", "file", 0],
      ].sort(),
    );
    expect(dropped).toBe(0);
  });

  it("keeps at most the asked number of entries and counts the rest; a missing dir lists nothing", () => {
    const { entries, dropped } = parseFileList(sh(listFilesCommand(dir)), 3);
    expect([entries.length, dropped]).toEqual([3, 5]);
    expect(sh(listFilesCommand(join(root, "missing")))).toBe("");
  });

  it("believes only well-formed lines", () => {
    const output = ["kforge-file file 12 6a", "kforge-file file -1 6a", "kforge-file dir 0 6a", "kforge-file file 1 6", "noise"].join("\n");
    expect(parseFileList(output, 10).entries).toEqual([{ kind: "file", size: 12, hexName: "6a" }]);
  });
});

describe("readChunkCommand and parseChunk", () => {
  const dir = join(root, "chunks");
  mkdirSync(dir);
  const data = randomBytes(CHUNK_BYTES * 2 + 100);
  writeFileSync(join(dir, "data bin"), data);
  symlinkSync(join(dir, "data bin"), join(dir, "link"));

  it("reads a file chunk by chunk, gzipped, back to the same bytes", () => {
    const chunks = [0, 1, 2, 3].map((chunk) => parseChunk(sh(readChunkCommand(dir, "data bin", chunk))));
    expect(chunks.map((chunk) => chunk?.length)).toEqual([CHUNK_BYTES, CHUNK_BYTES, 100, 0]);
    expect(Buffer.concat(chunks as Buffer[]).equals(data)).toBe(true);
  });

  it("refuses to read through a symlink", () => {
    expect(() => sh(readChunkCommand(dir, "link", 0))).toThrow(/not a regular file/);
  });

  it("refuses what is not gzipped base64, and a gzip that inflates beyond a chunk", () => {
    expect(parseChunk("not base64!")).toBeUndefined();
    expect(parseChunk(Buffer.from("plain").toString("base64"))).toBeUndefined();
    const bomb = gzipSync(Buffer.alloc(CHUNK_BYTES + 1));
    expect(parseChunk(bomb.toString("base64"))).toBeUndefined();
    expect(parseChunk(gzipSync(Buffer.alloc(CHUNK_BYTES)).toString("base64"))?.length).toBe(CHUNK_BYTES);
  });
});
