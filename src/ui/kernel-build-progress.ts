// Shows a kernel build as it runs, on stderr: one progress row rewritten in place on a terminal
// (objects done / total, elapsed, estimate), plain lines elsewhere (a progress line every 100 objects
// or 15 s, so CI logs stay short), make's raw output with --verbose, nothing with --json.
import type { KernelBuildEvent } from "../guest-kernel/kernel-build.js";
import { formatKernelProgress } from "../guest-kernel/progress.js";
import type { ProgressMode } from "./build-progress.js";
import type { OutputStream } from "./output-stream.js";

const PLAIN_EVERY_OBJECTS = 100;
const PLAIN_EVERY_MS = 15_000;
const ROW_EVERY_MS = 200;

export interface KernelBuildProgress {
  onEvent(event: KernelBuildEvent): void;
  // Clears the row, so what follows starts on a clean line.
  finish(): void;
}

export function createKernelBuildProgress(mode: ProgressMode, stream: OutputStream): KernelBuildProgress {
  if (mode === "silent") return { onEvent: () => undefined, finish: () => undefined };
  let rowShown = false;
  let lastShown = 0;
  let lastPlainObjects = 0;
  const clearRow = () => {
    if (rowShown) stream.write("\r\x1b[K");
    rowShown = false;
  };
  return {
    onEvent(event) {
      if (event.kind === "phase") {
        clearRow();
        stream.write(`  ${event.message}\n`);
      }
      if (event.kind === "output" && mode === "verbose") stream.write(`${event.line}\n`);
      if (event.kind !== "progress" || mode === "verbose") return;
      const now = Date.now();
      if (mode === "list" && now - lastShown >= ROW_EVERY_MS) {
        stream.write(`\r\x1b[K  ${formatKernelProgress(event.counts)}  ${event.object}`);
        rowShown = true;
        lastShown = now;
      }
      if (mode === "plain" && (event.counts.done - lastPlainObjects >= PLAIN_EVERY_OBJECTS || now - lastShown >= PLAIN_EVERY_MS)) {
        stream.write(`  ${formatKernelProgress(event.counts)}\n`);
        lastPlainObjects = event.counts.done;
        lastShown = now;
      }
    },
    finish: clearRow,
  };
}
