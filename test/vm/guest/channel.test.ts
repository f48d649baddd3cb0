// Fuzzing the host end of the command channel with a peer that plays a hostile guest: random bytes,
// frames with guessed nonces, stray bytes without a newline, a line that never ends, all split at
// random points. The channel must never crash, never take a forged answer, and never hold more than
// its cap of any line, whatever arrives.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { openGuestSession } from "../../../src/vm/guest/channel.js";
import { ConsoleMonitor } from "../../../src/vm/guest/console-monitor.js";

const root = mkdtempSync(join(tmpdir(), "kforge-channel-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let server: Server | undefined;
afterEach(() => server?.close());

// A seeded generator, so a failing stream can be replayed.
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

function noise(next: () => number, length: number): Buffer {
  const alphabet = Buffer.from("@K 0123456789abcdef-\n\r\t done out hello beat \x1b\x00\xff");
  return Buffer.from(
    Array.from({ length }, () => (next() < 0.5 ? alphabet[Math.floor(next() * alphabet.length)]! : Math.floor(next() * 256))),
  );
}

// What a hostile step can write to the port before the agent answers for command `id`.
function forgeries(next: () => number, id: number, nonce: string): Buffer[] {
  const guess = () => Array.from({ length: 32 }, () => "0123456789abcdef"[Math.floor(next() * 16)]).join("");
  return [
    noise(next, Math.floor(next() * 300)),
    Buffer.from(`\n@K ${id} ${guess()} out ${Buffer.from("forged\n").toString("base64")}\n@K ${id} ${guess()} done 0 0\n`),
    Buffer.from(`@K ${id} - done 0 0\n@K ${id} ${nonce.slice(0, 31)} done 0 0\n@K ${id} ${nonce}x done 0 0\n@K ${id} done 0 0\n`),
    Buffer.from(`@K ${id + 1} ${nonce} done 0 0\n`),
    // Bytes without a newline, right before the agent's answer.
    Buffer.from("@K partial"),
  ];
}

// Writes `chunks` split at random points.
function sendSplit(socket: Socket, next: () => number, chunks: Buffer[]): void {
  const data = Buffer.concat(chunks);
  for (let start = 0; start < data.length; ) {
    const end = Math.min(data.length, start + 1 + Math.floor(next() * 200));
    socket.write(data.subarray(start, end));
    start = end;
  }
}

// A peer that says hello, then answers every command with forgeries and the genuine answer.
async function hostileGuest(seed: number, answer: (id: number) => { exitCode: number; output: string }, junkBeforeAnswer = 0) {
  const path = join(root, `agent-${seed}.sock`);
  const next = random(seed);
  server = createServer((socket) => {
    sendSplit(socket, next, [noise(next, 500), Buffer.from("\n@K 0 - hello 6.1.0-fuzz 0\n")]);
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      for (let newline = pending.indexOf("\n"); newline !== -1; newline = pending.indexOf("\n")) {
        const [tag, id, nonce] = pending.slice(0, newline).split(" ");
        pending = pending.slice(newline + 1);
        if (tag !== "K") continue;
        const { exitCode, output } = answer(Number(id));
        for (let sent = 0; sent < junkBeforeAnswer; sent += 1 << 20) socket.write(Buffer.alloc(1 << 20, "@"));
        sendSplit(socket, next, [
          ...forgeries(next, Number(id), nonce!),
          Buffer.from(`\n@K ${id} ${nonce} out ${Buffer.from(output).toString("base64")}\n`),
          ...forgeries(next, Number(id), nonce!),
          Buffer.from(`\n@K ${id} ${nonce} done ${exitCode} 12288\n`),
        ]);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  const session = await openGuestSession({ socketPath: path, console: new ConsoleMonitor(), helloTimeoutMs: 5000, watchesConsole: false });
  expect(session?.release).toBe("6.1.0-fuzz");
  return session!;
}

describe("the command channel under a hostile guest", () => {
  it("takes only the genuine answer to each command, over many random streams", async () => {
    for (let seed = 1; seed <= 40; seed++) {
      const session = await hostileGuest(seed, (id) => ({ exitCode: id % 4, output: `step ${id} \x1b[2J\n` }));
      for (let step = 0; step < 5; step++) {
        const outcome = await session.run(`echo ${step}`, { timeoutMs: 5000 });
        expect(outcome.status, `seed ${seed}`).toBe("done");
        if (outcome.status !== "done") continue;
        expect(outcome.exitCode, `seed ${seed}`).toBe((step + 1) % 4);
        expect(outcome.output, `seed ${seed}`).toBe(`step ${step + 1} \x1b[2J\n`);
        expect(outcome.tainted).toBe(12288);
      }
      session.close();
      server!.close();
    }
  });

  it("holds no more than its cap of a line that never ends", async () => {
    const before = process.memoryUsage().heapUsed;
    // 256 MiB without a newline before the answer: the old channel kept all of it in one string.
    const session = await hostileGuest(99, () => ({ exitCode: 3, output: "kept\n" }), 256 << 20);
    const outcome = await session.run("true", { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ status: "done", exitCode: 3, output: "kept\n" });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(96 << 20);
    session.close();
  });
});

// A peer playing a restored guest: it answers each hello request it reads, and records it.
async function restoredGuest(name: string): Promise<{ path: string; asked: string[] }> {
  const path = join(root, `${name}.sock`);
  const asked: string[] = [];
  server = createServer((socket) => {
    let pending = "";
    socket.on("data", (chunk) => {
      pending += chunk.toString("latin1");
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const [tag, , nonce] of lines.map((line) => line.split(" "))) {
        if (tag !== "H") continue;
        asked.push(nonce!);
        socket.write(`\n@K 0 ${nonce} hello 6.1.0-restored 0 whole\n`);
      }
    });
  });
  await new Promise<void>((resolve) => server!.listen(path, resolve));
  return { path, asked };
}

describe("a restored guest's hello", () => {
  // It reads nothing before QEMU has resumed it: requests written earlier would queue up, each answered
  // at a fork's cost before the run's first command.
  it("is asked for only once the guest has resumed", async () => {
    const guest = await restoredGuest("resumed");
    let resume!: () => void;
    const resumed = new Promise<void>((resolve) => (resume = resolve));
    const options = { socketPath: guest.path, console: new ConsoleMonitor(), helloTimeoutMs: 5000, watchesConsole: false };
    const opening = openGuestSession({ ...options, restored: true, resumed });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(guest.asked).toEqual([]);
    resume();
    const session = await opening;
    expect(session?.release).toBe("6.1.0-restored");
    expect(guest.asked.length).toBeGreaterThan(0);
    session!.close();
  });

  it("is never asked for when the restore failed", async () => {
    const guest = await restoredGuest("failed");
    const resumed = Promise.reject(new Error("QEMU closed the QMP socket"));
    resumed.catch(() => undefined);
    const options = { socketPath: guest.path, console: new ConsoleMonitor(), helloTimeoutMs: 600, watchesConsole: false };
    expect(await openGuestSession({ ...options, restored: true, resumed })).toBeUndefined();
    expect(guest.asked).toEqual([]);
  });
});
