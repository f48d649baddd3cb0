// Whether a process id still names a running process: how a lock left by a dead kforge is told
// from one that is held. EPERM means it exists but belongs to someone else.
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
