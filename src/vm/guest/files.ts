// Pure: sending a file into a running guest over the command channel, so a restored guest gets the
// project's modules and test files without them being part of its saved state. The host sends
// `F <id> <nonce> <size> <md5> <guest path>` (the path printf %b-escaped like a command, so any
// name a cold start's initramfs can hold goes through) and then the bytes, zero-padded to whole
// blocks so the agent can read them with one `dd iflag=fullblock` (busybox's read builtin and head
// would read past the end on a tty); the agent trims the padding, checks the md5 and answers
// `@K <id> <nonce> done <0|1> <taint>`.
import { createHash } from "node:crypto";
import { encodeWord } from "./protocol.js";

export const TRANSFER_BLOCK_BYTES = 4096;
// The shell arithmetic for the count of whole blocks the host sends for <size> ($3) bytes.
const RECEIVE_BLOCKS = `$(( ($3 + ${TRANSFER_BLOCK_BYTES - 1}) / ${TRANSFER_BLOCK_BYTES} ))`;

// The agent's side, defined once in agent.sh: receive_file <id> <nonce> <size> <md5> <escaped path>.
// Only an escaped path costs the fork of a command substitution.
export const RECEIVE_FILE_FUNCTION = `receive_file() {
  path=$5
  case "$path" in *\\\\*) path=$(printf '%b' "$5") ;; esac
  [ -d "\${path%/*}" ] || mkdir -p "\${path%/*}"
  dd of=/tmp/received bs=${TRANSFER_BLOCK_BYTES} count=${RECEIVE_BLOCKS} iflag=fullblock <&3 2>/dev/null
  head -c "$3" /tmp/received > "$path"
  case "$path" in *.ko) ;; *) chmod 755 "$path" ;; esac
  sum=$(md5sum "$path")
  [ "\${sum%% *}" = "$4" ]
  status=$?
  read tainted < /proc/sys/kernel/tainted
  frame "$1" "$2" done "$status" "$tainted"
}`;

// The characters of a script name a test step can run: it runs as `sh ./<name>` in the guest's shell.
// Letters beyond ASCII are UTF-8 bytes of 0x80 and above, none of them a space or shell syntax; C1
// controls are left out. The transfer itself takes any name (it is escaped).
const GUEST_NAME = /^[\w@%+=:,.\u00a0-\u{10ffff}-]+$/u;

export const isGuestFileName = (name: string): boolean => GUEST_NAME.test(name);

export function encodeFileTransfer(id: number, nonce: string, guestPath: string, data: Buffer): Buffer {
  const md5 = createHash("md5").update(data).digest("hex");
  const padding = Math.ceil(data.length / TRANSFER_BLOCK_BYTES) * TRANSFER_BLOCK_BYTES - data.length;
  return Buffer.concat([Buffer.from(`F ${id} ${nonce} ${data.length} ${md5} ${encodeWord(guestPath)}\n`), data, Buffer.alloc(padding)]);
}
