// Where commands and displays write: process.stdout/stderr, or a test's sink.
export interface OutputStream {
  write(text: string): unknown;
  isTTY?: boolean;
}
