// Pure: what to say when the guest never reached the init script, and what to try next.
import type { RunEnd } from "../report.js";
import type { Accel } from "./arguments.js";

export interface BootFailureInput {
  timeoutMs: number;
  accel: Accel;
  // The last line that was not blank.
  lastConsoleLine?: string;
  panicTitle?: string;
  qemuExited: boolean;
  // QEMU's own error line ("qemu-system-x86_64: ..."), when it printed one.
  qemuError?: string;
  // How it exited: a guest that resets (a triple fault) makes a -no-reboot QEMU exit with 0, silently.
  qemuExit?: { code?: number; signal?: string };
  interrupted: boolean;
  consoleLog?: string;
}

export interface BootFailure {
  end: RunEnd;
  diagnosis: string;
  hint?: string;
}

export function describeBootFailure(input: BootFailureInput): BootFailure {
  const readLog = input.consoleLog ? `read the console log: ${input.consoleLog}` : "read the guest's console output";
  if (input.interrupted) return { end: "interrupted", diagnosis: "interrupted during boot, before any step ran" };
  if (input.panicTitle) {
    return {
      end: "panic",
      diagnosis: `the kernel panicked during boot: ${input.panicTitle}`,
      hint: `${readLog}; out-of-memory panics need more --memory`,
    };
  }
  if (input.qemuExited) {
    return {
      end: "qemu-exited",
      diagnosis: `QEMU exited during boot${input.qemuError ? `: ${input.qemuError}` : describeSilentExit(input)}`,
      hint: `check --vm-kernel, --memory and --append; ${readLog}`,
    };
  }
  const seconds = Math.round(input.timeoutMs / 1000);
  const last = input.lastConsoleLine?.trim();
  const hints = [`give it more time with --timeout ${Math.max(60, seconds * 2)}`];
  if (input.accel === "kvm") hints.push("or use --accel tcg (or auto): a KVM guest that prints nothing is usually nested KVM that hangs");
  hints.push(readLog);
  return {
    end: "boot-timeout",
    diagnosis:
      `timed out after ${seconds} s during boot: the guest never reached the init ` +
      `script (${last ? `last console line: ${last}` : "no console output at all"})`,
    hint: hints.join("; "),
  };
}

// A QEMU that said nothing: its exit status, and what the guest printed last.
function describeSilentExit(input: BootFailureInput): string {
  const status = input.qemuExit?.signal ? `killed by ${input.qemuExit.signal}` : `exit status ${input.qemuExit?.code ?? "unknown"}`;
  const last = input.lastConsoleLine?.trim();
  const reset =
    input.qemuExit?.code === 0
      ? ": the guest reset before reaching the init script (an image it cannot boot, a kernel command line it cannot take)"
      : "";
  return ` (${status}, nothing on stderr)${reset}${last ? `; last console line: ${last}` : "; no console output at all"}`;
}
