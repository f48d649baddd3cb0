// Pure: how far a kernel build is. kbuild prints one step line per object ("  CC      mm/slub.o");
// the total comes from the last complete build of the same source (its count of .o.cmd files), and
// objects already built before an interrupted run count as done, so a resumed build starts part way.
const STEP = /^ {2}(CC|AS)(?: \[M\])? +(\S+\.o)$/;

export interface KernelBuildCounts {
  // Objects present before this run plus those compiled since.
  done: number;
  compiledNow: number;
  // Undefined for a first build with nothing to compare against.
  total: number | undefined;
  elapsedMs: number;
}

// The object a step line compiles, or undefined for any other line.
export function compiledObject(line: string): string | undefined {
  return STEP.exec(line)?.[2];
}

// Remaining time at the rate of this run, or undefined until a few objects give a rate.
export function estimateRemainingMs(counts: KernelBuildCounts): number | undefined {
  if (counts.total === undefined || counts.compiledNow < 10) return undefined;
  return Math.round((counts.elapsedMs / counts.compiledNow) * Math.max(0, counts.total - counts.done));
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

// "512/1066 objects, 2 min 10 s, about 3 min 05 s left"; never more done than the total.
export function formatKernelProgress(counts: KernelBuildCounts): string {
  const total = counts.total === undefined ? undefined : Math.max(counts.total, counts.done);
  const objects = total === undefined ? `${counts.done} objects` : `${counts.done}/${total} objects`;
  const remaining = estimateRemainingMs(counts);
  return `${objects}, ${formatDuration(counts.elapsedMs)}${remaining === undefined ? "" : `, about ${formatDuration(remaining)} left`}`;
}
