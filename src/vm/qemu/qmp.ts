// A minimal QMP client (QEMU's JSON monitor) over the unix socket `-qmp` opens: one command at a
// time, answers matched in order; an asynchronous event counts only for a caller waiting for it.
import { connect, type Socket } from "node:net";

export interface QmpClient {
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  // Resolves at the next event of that name from now on; rejects when QEMU closes the socket or at the deadline.
  waitForEvent(name: string, timeoutMs: number): Promise<void>;
  close(): void;
}

// How long a local QEMU may take to answer one QMP command.
export const QMP_TIMEOUT_MS = 5000;

// `whileStarting` says QEMU is still coming up: until the socket exists, connecting is retried.
export async function connectQmp(path: string, timeoutMs: number, whileStarting?: () => boolean): Promise<QmpClient> {
  const deadline = Date.now() + timeoutMs;
  const socket = await connectSocket(path, deadline, whileStarting ?? (() => false));
  const replies = new ReplyQueue(socket);
  await replies.next(timeoutMs); // the greeting
  const client: QmpClient = {
    async execute(command, args) {
      socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
      const reply = (await replies.next(timeoutMs)) as { return?: unknown; error?: { desc?: string } };
      if (reply.error) throw new Error(`QMP ${command}: ${reply.error.desc ?? "failed"}`);
      return reply.return;
    },
    waitForEvent: (name, eventTimeoutMs) => replies.event(name, eventTimeoutMs),
    close: () => socket.destroy(),
  };
  await client.execute("qmp_capabilities");
  return client;
}

async function connectSocket(path: string, deadline: number, whileStarting: () => boolean): Promise<Socket> {
  for (;;) {
    try {
      return await connectOnce(path, deadline - Date.now());
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (!(code === "ENOENT" || code === "ECONNREFUSED") || !whileStarting() || Date.now() >= deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

function connectOnce(path: string, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    const timer = setTimeout(
      () => {
        socket.destroy();
        reject(new Error(`QMP socket ${path} did not answer`));
      },
      Math.max(timeoutMs, 0),
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

class ReplyQueue {
  private pending = "";
  private replies: unknown[] = [];
  private waiter: (() => void) | undefined;
  private eventWaiters = new Set<(name: string | undefined) => void>();
  private closed = false;

  constructor(socket: Socket) {
    socket.on("data", (chunk) => this.receive(chunk.toString("utf8")));
    socket.on("close", () => {
      this.closed = true;
      this.waiter?.();
      for (const waiter of [...this.eventWaiters]) waiter(undefined);
    });
    socket.on("error", () => undefined);
  }

  async next(timeoutMs: number): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closed) throw new Error("QEMU closed the QMP socket");
      if (Date.now() >= deadline) throw new Error("QEMU did not answer on the QMP socket in time");
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return this.replies.shift();
  }

  event(name: string, timeoutMs: number): Promise<void> {
    if (this.closed) return Promise.reject(new Error("QEMU closed the QMP socket"));
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.eventWaiters.delete(waiter);
        if (error) reject(error);
        else resolve();
      };
      const waiter = (event: string | undefined) => {
        if (event === undefined) finish(new Error("QEMU closed the QMP socket"));
        else if (event === name) finish();
      };
      const timer = setTimeout(() => finish(new Error(`QEMU did not report ${name} in time`)), timeoutMs);
      this.eventWaiters.add(waiter);
    });
  }

  private receive(text: string): void {
    const lines = (this.pending + text).split("\n");
    this.pending = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.trim()) continue;
      const message = JSON.parse(line) as Record<string, unknown>;
      if (!("event" in message)) this.replies.push(message);
      else for (const waiter of [...this.eventWaiters]) waiter(String(message.event));
    }
    this.waiter?.();
  }
}

// Saved states leave the file-backed guest RAM out of the stream (snapshot/save.ts); saving and
// restoring must agree on it.
export const ignoreSharedMemory = (qmp: QmpClient) =>
  qmp.execute("migrate-set-capabilities", { capabilities: [{ capability: "x-ignore-shared", state: true }] });
