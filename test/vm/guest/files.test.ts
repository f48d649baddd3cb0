import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeFileTransfer, RECEIVE_FILE_FUNCTION, TRANSFER_BLOCK_BYTES } from "../../../src/vm/guest/files.js";

const NONCE = "9f0c27b1e4d84a55b0f6c3a2d1e0f9a8";
const root = mkdtempSync(join(tmpdir(), "kforge-files-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// The agent's receive_file in busybox sh, reading one transfer from stdin as the agent reads the port.
function receive(transfer: Buffer): string {
  const script = `frame() { echo "@K $*"; }
exec 3<&0
read -r tag id nonce payload <&3
receive_file "$id" "$nonce" $payload`;
  return execFileSync("busybox", ["sh", "-c", `${RECEIVE_FILE_FUNCTION.replaceAll("/proc/sys/kernel/tainted", "/dev/null")}\n${script}`], {
    input: transfer,
    encoding: "utf8",
  });
}

describe("encodeFileTransfer", () => {
  it("sends a header with nonce, size, md5 and path, then the bytes padded to whole blocks", () => {
    const data = Buffer.from("insmod me\n");
    const encoded = encodeFileTransfer(7, NONCE, "/kforge/work/check.sh", data);
    const header = `F 7 ${NONCE} 10 ${createHash("md5").update(data).digest("hex")} /kforge/work/check.sh\n`;
    expect(encoded.subarray(0, header.length).toString()).toBe(header);
    expect(encoded.subarray(header.length, header.length + 10)).toEqual(data);
    expect(encoded.length - header.length).toBe(TRANSFER_BLOCK_BYTES);
    expect(encoded.subarray(header.length + 10).every((byte) => byte === 0)).toBe(true);
  });

  it("sends exact multiples of a block without padding, and nothing for an empty file", () => {
    const block = Buffer.alloc(TRANSFER_BLOCK_BYTES * 2, 0xff);
    const encoded = encodeFileTransfer(1, NONCE, "/kforge/modules/a.ko", block);
    expect(encoded.length - encoded.indexOf("\n") - 1).toBe(block.length);
    const empty = encodeFileTransfer(2, NONCE, "/kforge/work/empty", Buffer.alloc(0));
    expect(empty.toString()).toBe(`F 2 ${NONCE} 0 d41d8cd98f00b204e9800998ecf8427e /kforge/work/empty\n`);
  });

  it("gets any name the initramfs of a cold start could hold to the agent whole (non-ASCII, spaces, $)", () => {
    for (const name of ["tést.sh", "my test.sh", "$(reboot)"]) {
      const data = Buffer.from(`echo ${name}\n`);
      const answer = receive(encodeFileTransfer(4, NONCE, join(root, name), data));
      expect(answer.trim()).toBe(`@K 4 ${NONCE} done 0`);
      expect(readFileSync(join(root, name))).toEqual(data);
    }
  });
});
