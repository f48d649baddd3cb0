// Splits a transcript captured in a real guest (test/fixtures/loader/guest-6.12-busybox-session.txt)
// into commands with their exit status, stdout, stderr and the kernel log lines they caused.
import { readFixture } from "./fixtures.js";

export interface SessionStep {
  command: string;
  exitCode: number | undefined;
  stdout: string[];
  stderr: string;
  kernelLog: string[];
}

export function readGuestSession(): SessionStep[] {
  const steps: SessionStep[] = [];
  for (const line of readFixture("loader/guest-6.12-busybox-session.txt").split("\n")) {
    const [, tag, rest = ""] = line.match(/^@@(\w+) ?(.*)$/) ?? [];
    if (tag === "CMD") steps.push({ command: rest, exitCode: undefined, stdout: [], stderr: "", kernelLog: [] });
    const step = steps[steps.length - 1];
    if (!step) continue;
    if (tag === "EXIT") step.exitCode = Number(rest);
    if (tag === "OUT") step.stdout.push(rest);
    if (tag === "ERR") step.stderr += `${rest}\n`;
    if (tag === "LOG") step.kernelLog.push(rest);
  }
  return steps;
}

// The nth (0-based) step running exactly `command`.
export function findStep(steps: SessionStep[], command: string, occurrence = 0): SessionStep {
  const matches = steps.filter((step) => step.command === command);
  const step = matches[occurrence];
  if (!step) throw new Error(`no step ${occurrence} for "${command}" in the guest session fixture`);
  return step;
}
