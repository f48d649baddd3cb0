// Where commands and displays write: process.stdout/stderr, or a test's sink.
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

// A stream whose every line starts with the prefix (several guests writing to one stderr at once).
export function prefixLines(stream: OutputStream, prefix: string): OutputStream {
  let pending = "";
  return {
    write(text: string) {
      const lines = (pending + text).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) stream.write(`${prefix}${line}\n`);
      return true;
    },
  };
}
