// Pure: sending a file into a running guest over the command channel, so a restored guest gets the
// project's modules and test files without them being part of its saved state. The host sends
// `F <id> <size> <md5> <guest path>` and then the bytes, zero-padded to whole blocks so the agent can
// read them with one `dd iflag=fullblock` (busybox's read builtin and head would read past the end on
// a tty); the agent trims the padding, checks the md5 and answers `@K <id> done <0|1> <taint>`.
import { createHash } from "node:crypto";
import { UsageError } from "../../errors.js";

export const TRANSFER_BLOCK_BYTES = 4096;

// The agent's side, defined once in agent.sh: receive_file <id> <size> <md5> <path>.
export const RECEIVE_FILE_FUNCTION = `receive_file() {
  [ -d "\${4%/*}" ] || mkdir -p "\${4%/*}"
  dd of=/tmp/received bs=${TRANSFER_BLOCK_BYTES} count=$(( ($2 + ${TRANSFER_BLOCK_BYTES - 1}) / ${TRANSFER_BLOCK_BYTES} )) iflag=fullblock <&3 2>/dev/null
  head -c "$2" /tmp/received > "$4"
  case "$4" in *.ko) ;; *) chmod 755 "$4" ;; esac
  sum=$(md5sum "$4")
  [ "\${sum%% *}" = "$3" ]
  status=$?
  read tainted < /proc/sys/kernel/tainted
  echo "@K $1 done $status $tainted" >&3
}`;

// The characters of a file name the agent passes through: it splits the header on spaces and uses the
// path unquoted, and a test step runs a script as `sh ./<name>`. Letters beyond ASCII are UTF-8 bytes
// of 0x80 and above, none of them a space or shell syntax; C1 controls are left out.
const GUEST_NAME = "[\\w@%+=:,.\\u00a0-\\u{10ffff}-]";

// Whether `name` (no folder) can be sent into the guest and run there; the cold and warm starts
// (initramfs or transfer) take the same names.
export const isGuestFileName = (name: string): boolean => new RegExp(`^${GUEST_NAME}+$`, "u").test(name);

export function encodeFileTransfer(id: number, guestPath: string, data: Buffer): Buffer {
  if (!new RegExp(`^/(?:${GUEST_NAME}|/)+$`, "u").test(guestPath)) {
    throw new UsageError(
      `cannot send "${guestPath}" into the guest: the name has characters the guest agent does not pass through`,
      "rename the file to letters, digits, dots, dashes and underscores",
    );
  }
  const md5 = createHash("md5").update(data).digest("hex");
  const padding = Math.ceil(data.length / TRANSFER_BLOCK_BYTES) * TRANSFER_BLOCK_BYTES - data.length;
  return Buffer.concat([Buffer.from(`F ${id} ${data.length} ${md5} ${guestPath}\n`), data, Buffer.alloc(padding)]);
}
