// The QEMU launcher without execa: lines arrive as printed, abort stops the child (SIGTERM, then
// SIGKILL for one that ignores it), and a missing binary says so.
import { describe, expect, it } from "vitest";
import { startDaemon } from "../../src/process/daemon.js";

describe("startDaemon", () => {
  it("forwards stdout lines, keeps stderr apart, and reports the exit code", async () => {
    const lines: string[] = [];
    const result = await startDaemon("sh", ["-c", "echo one; echo two; echo oops >&2; printf last; exit 3"], {
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(["one", "two", "last"]);
    expect(result).toMatchObject({ exitCode: 3, failed: true, canceled: false, stderr: "oops\n", notFound: false });
  });

  it("stops the child on abort, with SIGKILL when it ignores SIGTERM", async () => {
    const controller = new AbortController();
    const running = startDaemon("sh", ["-c", "trap '' TERM; echo ready; while :; do sleep 0.1; done"], {
      signal: controller.signal,
      onLine: () => controller.abort(),
    });
    const result = await running;
    expect(result).toMatchObject({ canceled: true, signal: "SIGKILL", failed: true });
    expect(result.durationMs).toBeGreaterThanOrEqual(1900);
  });

  it("says when the binary does not exist", async () => {
    const result = await startDaemon("/nonexistent/qemu-system-x86_64", []);
    expect(result).toMatchObject({ notFound: true, failed: true });
  });
});
