// The guest console, line by line, into its log file as it streams, so that kforge keeps only a
// window of it in memory. A guest that floods its console fills the file up to MAX_BYTES and no
// further, and a disk slower than the flood drops lines rather than queueing them in memory; either
// way the file ends with a line saying how many were left out.
import { createWriteStream, type WriteStream } from "node:fs";

const MAX_BYTES = 256 * 1024 * 1024;
const MAX_QUEUED_BYTES = 16 * 1024 * 1024;

export class ConsoleLog {
  private stream: WriteStream | undefined;
  private written = 0;
  private dropped = 0;
  private closing: Promise<void> | undefined;

  // The file is truncated; a file that cannot be opened leaves the run without a console log.
  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on("error", () => (this.stream = undefined));
  }

  write(line: string): void {
    const stream = this.stream;
    if (!stream || this.closing) return;
    const bytes = Buffer.byteLength(line) + 1;
    if (this.written + bytes > MAX_BYTES || stream.writableLength > MAX_QUEUED_BYTES) {
      this.dropped++;
      return;
    }
    this.written += bytes;
    stream.write(`${line}\n`);
  }

  // Resolves once every line is on disk.
  close(): Promise<void> {
    this.closing ??= new Promise((resolve) => {
      const stream = this.stream;
      if (!stream) return resolve();
      if (this.dropped)
        stream.write(
          `kforge: ${this.dropped} more console lines not written (past ${MAX_BYTES >> 20} MiB, or faster than the disk took them)\n`,
        );
      stream.end(() => resolve());
      stream.once("error", () => resolve());
    });
    return this.closing;
  }
}
