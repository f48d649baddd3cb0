// Pure framing of the command channel (the guest's second serial port). The host sends one line per
// command, `K <id> <command>` with every byte but a few safe ones written as a printf %b octal
// escape (the agent decodes it with the printf builtin, no fork; no whitespace, so read keeps it
// whole); the agent answers with lines starting `@K <id>`. Anything
// else on the port (tty echo before the agent set raw mode, line noise) is ignored.

export type AgentEvent =
  | { kind: "hello"; release: string; tainted: number }
  | { kind: "beat"; id: number }
  | { kind: "output"; id: number; text: string }
  | { kind: "done"; id: number; exitCode: number; tainted: number };

// The line the agent writes to /dev/kmsg after each command: once it shows on the console, every
// kernel message the command caused has been printed before it.
export const STEP_MARKER_PREFIX = "kforge-step-end";

const SAFE_BYTE = /^[\w./,:=+@%-]$/;

export function encodeCommand(id: number, command: string): string {
  const escaped = [...Buffer.from(command, "utf8")].map((byte) => {
    const character = String.fromCharCode(byte);
    return SAFE_BYTE.test(character) ? character : `\\0${byte.toString(8).padStart(3, "0")}`;
  });
  return `K ${id} ${escaped.join("")}\n`;
}

export function parseAgentLine(line: string): AgentEvent | undefined {
  const match = /^@K (\d+) (hello|beat|out|done)(?: (.*))?$/.exec(line.replace(/\r$/, ""));
  if (!match) return undefined;
  const id = Number(match[1]);
  const rest = match[3] ?? "";
  switch (match[2]) {
    case "hello": {
      const [release = "", tainted = "0"] = rest.trim().split(/\s+/);
      return { kind: "hello", release, tainted: Number(tainted) || 0 };
    }
    case "beat":
      return { kind: "beat", id };
    case "out":
      return { kind: "output", id, text: Buffer.from(rest.trim(), "base64").toString("utf8") };
    default: {
      const [exitCode, tainted] = rest.trim().split(/\s+/).map(Number);
      return { kind: "done", id, exitCode: exitCode ?? 255, tainted: tainted ?? 0 };
    }
  }
}

// The console line of a step's end marker, e.g. "[   12.345678] kforge-step-end 3" -> 3.
export function parseStepMarker(consoleLine: string): number | undefined {
  const match = new RegExp(`${STEP_MARKER_PREFIX} (\\d+)\\s*$`).exec(consoleLine);
  return match ? Number(match[1]) : undefined;
}

// Single-quote a word for the guest's busybox sh.
export function quoteShell(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
