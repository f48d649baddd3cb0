// Single-key commands for `kforge watch` on a terminal. Raw mode delivers Ctrl-C as a byte, not a
// signal: it is passed on as SIGINT, so the entry point's handler (second Ctrl-C forces) applies.
export interface KeyActions {
  rebuild: () => void;
  test: () => void;
  clear: () => void;
  // g (gcov), with --coverage.
  coverage?: () => void;
  quit: () => void;
}

const CTRL_C = "\x03";

export function listenForKeys(actions: KeyActions): { close(): void } {
  const stdin = process.stdin;
  const onData = (chunk: Buffer) => {
    for (const key of chunk.toString("utf8")) {
      if (key === CTRL_C) process.kill(process.pid, "SIGINT");
      else if (key === "q") actions.quit();
      else if (key === "r" || key === "\r" || key === "\n") actions.rebuild();
      else if (key === "t") actions.test();
      else if (key === "c") actions.clear();
      else if (key === "g") actions.coverage?.();
    }
  };
  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  return {
    close() {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
    },
  };
}
