// The QMP client against a peer that speaks QMP's framing: a greeting, one reply per command, and
// asynchronous events in between, which only a caller waiting for that event hears.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { connectQmp } from "../../../src/vm/qemu/qmp.js";

const root = mkdtempSync(join(tmpdir(), "kforge-qmp-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let server: Server | undefined;
afterEach(() => server?.close());

// Answers every command with an empty return, and after `migrate-incoming` sends `events`.
async function fakeQemu(name: string, events: (socket: Socket) => void): Promise<string> {
  const path = join(root, `${name}.sock`);
  server = createServer((socket) => {
    socket.write(`${JSON.stringify({ QMP: { version: {}, capabilities: [] } })}\n`);
    socket.on("data", (chunk) => {
      for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) {
        const { execute } = JSON.parse(line) as { execute: string };
        socket.write(`${JSON.stringify({ return: {} })}\n`);
        if (execute === "migrate-incoming") events(socket);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return path;
}

const event = (socket: Socket, name: string) => socket.write(`${JSON.stringify({ event: name, data: {}, timestamp: {} })}\n`);

describe("QMP events", () => {
  it("resolves at the event waited for, past other events, without taking them for replies", async () => {
    const path = await fakeQemu("resume", (socket) => {
      event(socket, "MIGRATION");
      setTimeout(() => event(socket, "RESUME"), 50);
    });
    const qmp = await connectQmp(path, 2000);
    const resumed = qmp.waitForEvent("RESUME", 2000);
    expect(await qmp.execute("migrate-incoming", { uri: "exec:true" })).toEqual({});
    await expect(resumed).resolves.toBeUndefined();
    expect(await qmp.execute("query-status")).toEqual({});
    qmp.close();
  });

  it("rejects when QEMU closes the socket before the event, and at the deadline", async () => {
    const path = await fakeQemu("closed", (socket) => socket.destroy());
    const qmp = await connectQmp(path, 2000);
    const late = qmp.waitForEvent("STOP", 100);
    await expect(late).rejects.toThrow("QEMU did not report STOP in time");
    const resumed = qmp.waitForEvent("RESUME", 2000);
    await qmp.execute("migrate-incoming", { uri: "exec:false" });
    await expect(resumed).rejects.toThrow("QEMU closed the QMP socket");
    qmp.close();
  });
});
