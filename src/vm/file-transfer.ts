// Pure: sending a file into a running guest as ordinary agent commands, so no new device or network
// is needed. The bytes go gzipped, as base64 text, in chunks whose command line stays under the
// guest tty's 4 KiB line buffer (longer lines stall the serial link for seconds). They are appended
// to a staging file that is decoded into place only once complete: a half-sent file is never loaded.
import { gzipSync } from "node:zlib";
import { quoteShell } from "./guest-protocol.js";

// Bytes per command: a multiple of 3, so the chunks' base64 texts concatenate into one valid text;
// the agent line carries the command base64-encoded again, about 3.7 KB for this.
export const TRANSFER_CHUNK_BYTES = 2046;

export function encodeFileTransfer(guestPath: string, data: Buffer, chunkBytes = TRANSFER_CHUNK_BYTES): string[] {
  if (chunkBytes % 3 !== 0) throw new RangeError(`chunk size ${chunkBytes} is not a multiple of 3`);
  const staging = quoteShell(`${guestPath}.gz.b64`);
  const packed = gzipSync(data);
  const commands: string[] = [];
  for (let offset = 0; offset < packed.length; offset += chunkBytes) {
    commands.push(`printf %s ${packed.subarray(offset, offset + chunkBytes).toString("base64")} ${offset === 0 ? ">" : ">>"} ${staging}`);
  }
  commands[commands.length - 1] += ` && base64 -d ${staging} | gunzip > ${quoteShell(guestPath)} && rm ${staging}`;
  return commands;
}
