// The serial fallback's transfers against a peer that plays a slow guest over a real unix socket: it
// says hello, then reads what has arrived every 100 ms (a slow emulated serial port) and never answers.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openGuestSession } from "../../../src/vm/guest/channel.js";
import { ConsoleMonitor } from "../../../src/vm/guest/console-monitor.js";
import { sendOverSerial } from "../../../src/vm/guest/transfer.js";

const root = mkdtempSync(join(tmpdir(), "kforge-transfer-test-"));
let server: Server | undefined;
afterAll(() => {
  server?.close();
  rmSync(root, { recursive: true, force: true });
});

function slowGuest(path: string): void {
  server = createServer((socket) => {
    socket.write("\n@K 0 - hello 6.1.0-slow 0\n");
    socket.pause();
    const reader = setInterval(() => socket.read(), 100);
    socket.on("close", () => clearInterval(reader));
  });
  server.listen(path);
}

describe("sendOverSerial", () => {
  it("reports the progress of a large transfer and stops at the run's --timeout with an error that says so", async () => {
    const path = join(root, "agent.sock");
    slowGuest(path);
    const session = await openGuestSession({ socketPath: path, console: new ConsoleMonitor(), helloTimeoutMs: 5000 });
    expect(session).toBeDefined();
    const progress: string[] = [];
    const started = Date.now();
    const sending = sendOverSerial(session!, [{ guestPath: "/kforge/modules/big.ko", data: Buffer.alloc(4 << 20, 1) }], {
      deadline: started + 4500,
      progress: (message) => progress.push(message),
    });
    await expect(sending).rejects.toThrow(
      /sending \/kforge\/modules\/big\.ko \(4096 KB\) over the serial port did not finish within --timeout \([45] s left when it started\)/,
    );
    // Ended by the deadline, not by the per-transfer allowance of 30 s and more.
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    const kilobytes = progress.map((message) => Number(/: (\d+) KB of 4096 KB$/.exec(message)?.[1]));
    expect(kilobytes[0]).toBeGreaterThan(0);
    expect(kilobytes[1]).toBeGreaterThan(kilobytes[0]!);
    expect(progress[0]).toMatch(/^sending big\.ko over the serial port: \d+ KB of 4096 KB$/);
    session!.close();
  }, 20_000);
});
