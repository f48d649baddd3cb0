// Pure framing of the command channel (the guest's second serial port). The host sends one line per
// command, `K <id> <nonce> <command>` with every byte but a few safe ones written as a printf %b
// octal escape (the agent decodes it with the printf builtin, no fork; no whitespace, so read keeps
// it whole). The agent answers with frames `@K <id> <nonce> <kind> ...`, each starting on a line of
// its own. The nonce is fresh for every command and never written where the command can read it
// (guest/init-script.ts), so nothing a step or a module writes to the port or the kernel log can
// answer for the agent: a frame or a step marker with any other nonce is ignored, like any other
// line on the port (tty echo before the agent set raw mode, line noise, a step's stray bytes).

import { stripKernelLogPrefix } from "../../kernel-log/module-messages.js";

export type AgentEvent =
  // initramfsWhole: the agent found the initramfs's last entry (guest/init-script.ts).
  | { kind: "hello"; nonce: string; release: string; tainted: number; initramfsWhole: boolean }
  | { kind: "beat" }
  | { kind: "output"; id: number; nonce: string; text: string }
  | { kind: "done"; id: number; nonce: string; exitCode: number; tainted: number };

// The nonce of the agent's own hello at boot, before any command (nothing untrusted runs yet).
export const BOOT_NONCE = "-";

// The line the agent writes to /dev/kmsg after each command: once it shows on the console, every
// kernel message the command caused has been printed before it.
export const STEP_MARKER_PREFIX = "kforge-step-end";

const SAFE_BYTE = /^[\w./,:=+@%-]$/;

// One word the agent's read keeps whole and printf %b turns back into `text`.
export function encodeWord(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => {
      const character = String.fromCharCode(byte);
      return SAFE_BYTE.test(character) ? character : `\\0${byte.toString(8).padStart(3, "0")}`;
    })
    .join("");
}

export function encodeCommand(id: number, nonce: string, command: string): string {
  return `K ${id} ${nonce} ${encodeWord(command)}\n`;
}

// Asks a running agent (a restored guest's) for its hello, answered with `nonce`.
export const encodeHelloRequest = (nonce: string) => `\nH 0 ${nonce}\n`;

const FRAME = /^@K (\d{1,9}) (\S{1,64}) (hello|beat|out|done)(?: (.*))?$/;

export function parseAgentLine(line: string): AgentEvent | undefined {
  const match = FRAME.exec(line.replace(/\r$/, ""));
  if (!match) return undefined;
  const id = Number(match[1]);
  const nonce = match[2]!;
  const words = (match[4] ?? "").trim().split(/\s+/);
  switch (match[3]) {
    case "hello":
      return { kind: "hello", nonce, release: words[0] ?? "", tainted: toCount(words[1]) ?? 0, initramfsWhole: words[2] === "whole" };
    case "beat":
      return { kind: "beat" };
    case "out":
      return { kind: "output", id, nonce, text: Buffer.from(words[0] ?? "", "base64").toString("utf8") };
    default:
      return { kind: "done", id, nonce, exitCode: toCount(words[0]) ?? 255, tainted: toCount(words[1]) ?? 0 };
  }
}

const toCount = (word: string | undefined) => (word !== undefined && /^\d{1,12}$/.test(word) ? Number(word) : undefined);

const MARKER = new RegExp(`^${STEP_MARKER_PREFIX} (\\d{1,9}) (\\S{1,64})$`);

// The console line of a step's end marker, e.g. "[   12.345678] kforge-step-end 3 9f0c..." -> {3, "9f0c..."}.
export function parseStepMarker(consoleLine: string): { id: number; nonce: string } | undefined {
  const match = MARKER.exec(stripKernelLogPrefix(consoleLine));
  return match ? { id: Number(match[1]), nonce: match[2]! } : undefined;
}

// Single-quote a word for the guest's busybox sh.
export function quoteShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
