// The QEMU launcher without execa: lines arrive as printed, abort stops the child (SIGTERM, then
// SIGKILL for one that ignores it), and a missing binary says so.
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { startDaemon } from "../../src/process/daemon.js";
import { leftoverProcesses } from "../helpers/processes.js";

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

describe("startDaemon when kforge itself is killed", () => {
  it("has the kernel kill the child with its parent (SIGKILL leaves no finally block to run)", async () => {
    // The child is sleep itself (no shell that would leave its own child behind), found by its odd argument.
    const marker = `sleep 300.${process.pid}`;
    const daemon = new URL("../../dist/process/daemon.js", import.meta.url).href;
    // A node process standing for kforge: it starts a long child through startDaemon, then waits.
    const parent = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { startDaemon } = await import("${daemon}"); startDaemon("/bin/sleep", ` +
          `["300.${process.pid}"]); console.log("started"); setInterval(() => {}, 1000);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise((resolve) => parent.stdout.once("data", resolve));
    expect(leftoverProcesses(marker)).toContain(marker);
    parent.kill("SIGKILL");
    const deadline = Date.now() + 5000;
    while (leftoverProcesses(marker) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(leftoverProcesses(marker)).toBe("");
  });
});
