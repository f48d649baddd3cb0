// The host end of the command channel: a unix socket QEMU connects to the guest's ttyS1, where the
// busybox agent runs one command at a time. Reusable: `kforge watch` keeps a session open and sends
// rmmod/insmod to a guest that stays up.
import { randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";
import { LineSplitter } from "../../process/line-splitter.js";
import type { ConsoleMonitor } from "./console-monitor.js";
import { encodeFileTransfer } from "./files.js";
import { BOOT_NONCE, encodeCommand, encodeHelloRequest, parseAgentLine, type AgentEvent } from "./protocol.js";

export type CommandOutcome =
  | {
      status: "done";
      exitCode: number;
      output: string;
      tainted: number;
      kernelLog: string[];
      // Kernel log lines of the command beyond the console monitor's window (in the console log file).
      kernelLogDropped: number;
      durationMs: number;
    }
  // Still running at the deadline; `silentMs` is how long since the agent's last heartbeat.
  | { status: "timeout"; silentMs: number; durationMs: number }
  // The channel closed (QEMU exited, the guest powered off or panicked).
  | { status: "closed"; durationMs: number };

export type TransferOutcome = "sent" | "checksum mismatch" | "channel closed" | "timed out";

export interface SendFileOptions {
  timeoutMs: number;
  onProgress?: (bytesSent: number) => void;
  progressEveryMs?: number;
}

export interface GuestSession {
  readonly release: string;
  // /proc/sys/kernel/tainted when the agent started.
  readonly initialTaint: number;
  // Every file of the initramfs arrived (a cut one left the project's files out: guest/init-script.ts).
  readonly initramfsWhole: boolean;
  run(command: string, options: { timeoutMs: number }): Promise<CommandOutcome>;
  // Writes `data` to `guestPath` in the guest: "sent" once the agent has it, checksum verified.
  // `onProgress` hears every `progressEveryMs` how many bytes have left the host (QEMU takes them
  // only as fast as the guest's serial port reads).
  sendFile(guestPath: string, data: Buffer, options: SendFileOptions): Promise<TransferOutcome>;
  // Sets the guest's clock and mixes a seed into its random pool, without waiting for an answer:
  // the channel is ordered, so every later command runs after it.
  refresh(epochSeconds: number, seed: string): void;
  // Asks the guest to power off without waiting for an answer.
  powerOff(): void;
  close(): void;
}

// How long after a command ends to wait for its kernel messages to reach the console.
const MARKER_WAIT_MS = 3000;

export interface GuestSessionOptions {
  socketPath: string;
  console: ConsoleMonitor;
  helloTimeoutMs: number;
  signal?: AbortSignal;
  // false when the console goes to the user's terminal (--shell): no kernel log markers will arrive.
  watchesConsole?: boolean;
  // A guest restored from a saved state said hello long ago: ask it again, once `resumed` resolves
  // (it rejects when the restore failed: then nothing is asked).
  restored?: boolean;
  resumed?: Promise<void>;
}

// How often a restored guest is asked for its hello again, should a request be lost. Not sooner:
// every request queued meanwhile is answered, at a fork each, before the run's first command.
const HELLO_REPEAT_MS = 1000;
// A file transfer is written in slices of this size (see sendFile).
const WRITE_SLICE_BYTES = 64 * 1024;
// The longest agent frame kept: a step's output, base64-encoded, beyond it is cut.
const MAX_FRAME_CHARS = 8 * 1024 * 1024;

// 128 random bits, fresh for each command: what the agent's answers and step marker must carry.
const createNonce = () => randomBytes(16).toString("hex");

export async function openGuestSession(options: GuestSessionOptions): Promise<GuestSession | undefined> {
  const socket = await connectWithRetry(options.socketPath, options.helloTimeoutMs, options.signal);
  if (!socket) return undefined;
  const channel = new AgentChannel(socket);
  // A booted guest's agent says hello by itself, before anything untrusted runs; a restored one is
  // asked, with a nonce, since its own hello is long gone.
  const helloNonce = options.restored ? createNonce() : BOOT_NONCE;
  channel.expect(0, helloNonce);
  const stopAsking = options.restored ? askForHello(() => channel.write(encodeHelloRequest(helloNonce)), options.resumed) : undefined;
  const hello = await channel.next((event) => event.kind === "hello", options.helloTimeoutMs, options.signal);
  stopAsking?.();
  if (hello?.kind !== "hello") {
    socket.destroy();
    return undefined;
  }
  return createSession(channel, hello, options.console, options.watchesConsole ?? true);
}

// A restored guest reads its port only once QEMU has loaded the state and resumed it: requests written
// before then queue up, and the guest answers each (a fork apiece) before the run's first command.
// Returns what stops the asking.
function askForHello(ask: () => void, resumed: Promise<void> = Promise.resolve()): () => void {
  let stopped = false;
  let repeat: NodeJS.Timeout | undefined;
  resumed.then(
    () => {
      if (stopped) return;
      ask();
      repeat = setInterval(ask, HELLO_REPEAT_MS);
    },
    () => undefined,
  );
  return () => {
    stopped = true;
    clearInterval(repeat);
  };
}

function createSession(
  channel: AgentChannel,
  hello: { release: string; tainted: number; initramfsWhole: boolean },
  monitor: ConsoleMonitor,
  watchesConsole: boolean,
): GuestSession {
  let nextId = 1;
  return {
    release: hello.release,
    initialTaint: hello.tainted,
    initramfsWhole: hello.initramfsWhole,
    async run(command, { timeoutMs }) {
      const id = nextId++;
      const nonce = createNonce();
      const started = Date.now();
      monitor.expectMarker(id, nonce);
      channel.lastBeat = started;
      channel.expect(id, nonce);
      channel.write(encodeCommand(id, nonce, command));
      const done = await channel.next((event) => event.kind === "done" && event.id === id, timeoutMs);
      const durationMs = Date.now() - started;
      const output = channel.takeOutput(id);
      if (done?.kind !== "done") {
        return channel.closed
          ? { status: "closed", durationMs }
          : { status: "timeout", silentMs: Date.now() - channel.lastBeat, durationMs };
      }
      if (watchesConsole) await monitor.waitForMarker(MARKER_WAIT_MS);
      const kernelLog = monitor.kernelLog();
      return {
        status: "done",
        exitCode: done.exitCode,
        output,
        tainted: done.tainted,
        kernelLog: kernelLog.lines,
        kernelLogDropped: kernelLog.dropped,
        durationMs,
      };
    },
    async sendFile(guestPath, data, { timeoutMs, onProgress, progressEveryMs = 2000 }) {
      const id = nextId++;
      const nonce = createNonce();
      channel.expect(id, nonce);
      const encoded = encodeFileTransfer(id, nonce, guestPath, data);
      // One slice at a time: the socket gathers queued writes into one, which would show no
      // progress until all of it had left.
      let written = 0;
      let stopped = false;
      const writing = (async () => {
        for (let offset = 0; offset < encoded.length && !channel.closed && !stopped; offset += WRITE_SLICE_BYTES) {
          const slice = encoded.subarray(offset, offset + WRITE_SLICE_BYTES);
          await new Promise((resolve) => channel.socket.write(slice, resolve));
          written += slice.length;
        }
      })();
      const sent = () => Math.max(0, Math.min(data.length, written));
      const progress = onProgress && setInterval(() => onProgress(sent()), progressEveryMs);
      const done = await channel.next((event) => event.kind === "done" && event.id === id, timeoutMs);
      clearInterval(progress);
      // An answer comes only once every byte has left; a transfer given up sends nothing more.
      stopped = true;
      if (done) await writing;
      if (done?.kind === "done") return done.exitCode === 0 ? "sent" : "checksum mismatch";
      return channel.closed ? "channel closed" : "timed out";
    },
    refresh(epochSeconds, seed) {
      channel.write(`T ${epochSeconds} ${seed}\n`);
    },
    powerOff() {
      channel.write(encodeCommand(nextId++, createNonce(), "poweroff -f"));
    },
    close() {
      channel.socket.destroy();
    },
  };
}

// Frames whose nonce is not the one sent with their command are dropped here, and only the
// command waited for keeps its output: nothing else from the port is held.
class AgentChannel {
  lastBeat = Date.now();
  closed = false;
  private expected: { id: number; nonce: string } | undefined;
  private output: { id: number; text: string } | undefined;
  private lines = new LineSplitter(MAX_FRAME_CHARS, (line, cut) => this.receive(line, cut));
  private listeners = new Set<(event: AgentEvent | undefined) => void>();

  constructor(readonly socket: Socket) {
    socket.on("data", (chunk) => this.lines.push(chunk.toString("latin1")));
    const onClose = () => {
      this.closed = true;
      for (const listener of [...this.listeners]) listener(undefined);
    };
    socket.on("close", onClose);
    socket.on("error", onClose);
  }

  write(text: string | Buffer): void {
    if (!this.closed) this.socket.write(text);
  }

  // From now on, only answers to command `id` carrying `nonce` count.
  expect(id: number, nonce: string): void {
    this.expected = { id, nonce };
    this.output = undefined;
  }

  takeOutput(id: number): string {
    const text = this.output?.id === id ? this.output.text : "";
    this.output = undefined;
    return text;
  }

  // Resolves with the first event matching, or undefined at the deadline, on close or on abort.
  next(match: (event: AgentEvent) => boolean, timeoutMs: number, signal?: AbortSignal): Promise<AgentEvent | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const finish = (event: AgentEvent | undefined) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.listeners.delete(listener);
        resolve(event);
      };
      const listener = (event: AgentEvent | undefined) => (event === undefined || match(event)) && finish(event);
      const onAbort = () => finish(undefined);
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.listeners.add(listener);
    });
  }

  private receive(line: string, cut: boolean): void {
    const event = parseAgentLine(line);
    if (!event || !this.isGenuine(event)) return;
    if (event.kind === "beat") this.lastBeat = Date.now();
    if (event.kind === "output")
      this.output = {
        id: event.id,
        text: cut ? `${event.text}\n[kforge: output cut at ${(MAX_FRAME_CHARS * 3) / 4 / 1024 / 1024} MiB]\n` : event.text,
      };
    for (const listener of [...this.listeners]) listener(event);
  }

  private isGenuine(event: AgentEvent): boolean {
    if (event.kind === "beat") return true;
    const id = event.kind === "hello" ? 0 : event.id;
    return this.expected !== undefined && id === this.expected.id && event.nonce === this.expected.nonce;
  }
}

async function connectWithRetry(path: string, timeoutMs: number, signal?: AbortSignal): Promise<Socket | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !signal?.aborted) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const attempt = connect(path);
      attempt.once("connect", () => resolve(attempt));
      attempt.once("error", () => resolve(undefined));
    });
    if (socket) return socket;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return undefined;
}
