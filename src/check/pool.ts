// Runs tasks at most `concurrency` at a time, in the order given (longest first is the caller's
// choice), and stops starting new ones once `signal` aborts. Results keep the tasks' order; a task
// never started is undefined.
export async function runPool<Result>(
  tasks: readonly (() => Promise<Result>)[],
  concurrency: number,
  signal?: AbortSignal,
): Promise<(Result | undefined)[]> {
  const results: (Result | undefined)[] = new Array(tasks.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !signal?.aborted) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, tasks.length)) }, worker));
  return results;
}
