// What the build benchmarks share: a process run timed in milliseconds (failing loudly), and the median.
import { spawnSync } from "node:child_process";

export function timed(file, args, environment) {
  const started = process.hrtime.bigint();
  const result = spawnSync(file, args, { env: environment, stdio: "ignore" });
  const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${file} ${args.join(" ")} exited ${result.status}`);
  return milliseconds;
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
