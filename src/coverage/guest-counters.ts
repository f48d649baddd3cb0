// Pure: how the guest's gcov counters come back to the host. With CONFIG_GCOV_KERNEL a loaded
// module's counters are files in debugfs, /sys/kernel/debug/gcov/<absolute build dir>/<object>.gcda;
// one command prints each as a tagged line with its bytes in base64 (the command channel carries
// text), and the parser takes back only well-formed relative paths of the objects it expects: the
// guest is untrusted, so nothing it prints names a file outside the build.
import { posix } from "node:path";

export const GCOV_ROOT = "/sys/kernel/debug/gcov";
const TAG = "kforge-gcda";
// Far above any module's counters (a few KiB per object): a guest that prints more is not believed.
const MAX_TOTAL_BYTES = 64 * 2 ** 20;

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

// The shell command that prints the counters of every object built in buildDir.
export function dumpCountersCommand(buildDir: string): string {
  const dir = posix.join(GCOV_ROOT, buildDir);
  return [
    `[ -d ${GCOV_ROOT} ] || { echo "kforge: ${GCOV_ROOT} is missing: the ` +
      `kernel has no CONFIG_GCOV_KERNEL, or debugfs is not mounted"; exit 2; }`,
    `cd ${quote(dir)} 2>/dev/null || exit 0`,
    `find . -name '*.gcda' | while read -r file; do printf '${TAG} %s ' "$file"; base64 -w 0 "$file"; echo; done`,
  ].join("\n");
}

// Zeroes every counter (and forgets those of unloaded modules), so the next reading covers what ran since.
export const RESET_COUNTERS_COMMAND = `echo 0 > ${GCOV_ROOT}/reset`;

// Object paths relative to the build dir, without ".gcda": "hello", "sub/part".
export function parseCounterDump(output: string, expected: ReadonlySet<string>): Map<string, Buffer> {
  const counters = new Map<string, Buffer>();
  let total = 0;
  for (const line of output.split("\n")) {
    const match = new RegExp(`^${TAG} \\./((?:[\\w.+-]+/)*[\\w.+-]+)\\.gcda ([A-Za-z0-9+/=]*)$`).exec(line.trimEnd());
    if (!match) continue;
    const object = match[1]!;
    if (object.split("/").some((part) => part === "." || part === "..") || !expected.has(object)) continue;
    const data = Buffer.from(match[2]!, "base64");
    total += data.length;
    if (total > MAX_TOTAL_BYTES) break;
    counters.set(object, data);
  }
  return counters;
}
