// One running QEMU: console lines go to `onLine`, and `stop()` kills it (SIGTERM, then SIGKILL
// after a grace period). Callers always stop it in a finally block.
import { startDaemon } from "../../process/daemon.js";
import { which, type RunResult } from "../../process/exec.js";
import { EnvironmentError } from "../../errors.js";
import { architectureOf, X86_64_MACHINE, type GuestMachine } from "./guest-machine.js";

export interface QemuProcess {
  readonly exited: Promise<RunResult>;
  hasExited(): boolean;
  stop(): Promise<RunResult>;
}

// The system emulator of the guest's architecture (x86_64's when not given).
export async function findQemu(guest: GuestMachine = X86_64_MACHINE): Promise<string> {
  const { qemu, qemuPackage, name } = architectureOf(guest);
  const path = await which(qemu);
  if (!path)
    throw new EnvironmentError(
      `${qemu} is not installed (it boots ${name} guests)`,
      `apt-get install ${qemuPackage} (or your distribution's QEMU ${name} system emulator)`,
    );
  return path;
}

// QEMU's own error line ("qemu-system-x86_64: cannot set up guest memory ...", "qemu: could not open
// kernel file ..."), when it printed one, made printable.
export function findQemuError(stderr: string): string | undefined {
  const line = stderr
    .split("\n")
    .find((candidate) => /^qemu[\w-]*:/.test(candidate))
    ?.trim();
  return line === undefined ? undefined : printableQemuText(line);
}

// Pure: QEMU quotes what it could not parse (a damaged state file's bytes); anything but printable
// ASCII is shown as \xNN or \u{N}, so no byte of a file reaches the terminal as it is.
export const printableQemuText = (text: string): string =>
  text.replace(/[^\x20-\x7e]/gu, (character) => {
    const code = character.codePointAt(0)!;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });

export function startQemu(
  binary: string,
  args: string[],
  options: { onLine?: (line: string) => void; interactive?: boolean },
): QemuProcess {
  const controller = new AbortController();
  let done = false;
  const exited = startDaemon(binary, args, { signal: controller.signal, inherit: options.interactive, onLine: options.onLine }).finally(
    () => (done = true),
  );
  return {
    exited,
    hasExited: () => done,
    stop() {
      if (!done) controller.abort();
      return exited;
    },
  };
}
