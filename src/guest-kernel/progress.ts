// Pure: how far a kernel build is. kbuild prints one step line per object ("  CC      mm/slub.o");
// the total comes from a registered build (its count of .o.cmd files), and objects already built
// before an interrupted run count as done, so a resumed build starts part way.
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

// The total applies while the count stays within it; a rebuild after a config change recompiles
// objects that already counted as done, and then only the objects compiled are shown.
const withinTotal = (counts: KernelBuildCounts): counts is KernelBuildCounts & { total: number } =>
  counts.total !== undefined && counts.done <= counts.total;

// Remaining time at the rate of this run, or undefined until a few objects give a rate.
export function estimateRemainingMs(counts: KernelBuildCounts): number | undefined {
  if (!withinTotal(counts) || counts.compiledNow < 10) return undefined;
  return Math.round((counts.elapsedMs / counts.compiledNow) * (counts.total - counts.done));
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  return seconds < 60 ? `${seconds} s` : `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

// "512/1066 objects, 2 min 10 s, about 3 min 05 s left", or "40 objects compiled, 30 s".
export function formatKernelProgress(counts: KernelBuildCounts): string {
  const objects = withinTotal(counts) ? `${counts.done}/${counts.total} objects` : `${counts.compiledNow} objects compiled`;
  const remaining = estimateRemainingMs(counts);
  return `${objects}, ${formatDuration(counts.elapsedMs)}${remaining === undefined ? "" : `, about ${formatDuration(remaining)} left`}`;
}
