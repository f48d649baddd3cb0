// Whether a process id still names a running process: how a lock left by a dead kforge is told
// from one that is held. EPERM means it exists but belongs to someone else.
import { readFileSync } from "node:fs";

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// When a process started (clock ticks since boot, field 22 of /proc/<pid>/stat); undefined when no
// such process exists. A pid is reused, but never with the same start time: the two together name
// one process for good.
export function processStartTime(pid: number): string | undefined {
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Field 2, the command name, is in parentheses and may hold spaces and parentheses itself.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

// This process as a lock file records it: "<pid> <start time>".
export const describeThisProcess = (): string => `${process.pid} ${processStartTime(process.pid) ?? ""}`.trim();

// Whether the process a lock file recorded ("<pid> <start time>") is still that process: a live pid
// with another start time is a later process that reuses it. Without a start time to compare (none
// recorded, or /proc hides the process) liveness decides; text of any other shape names no process.
export function isRecordedProcessAlive(recorded: string): boolean {
  const match = /^(\d+)(?: (\d+))?\s*$/.exec(recorded);
  if (!match) return false;
  const pid = Number(match[1]);
  const started = match[2] === undefined ? undefined : processStartTime(pid);
  return started === undefined ? isProcessAlive(pid) : started === match[2];
}

export const recordedPid = (recorded: string): number => Number(/^\d+/.exec(recorded)?.[0] ?? 0);
