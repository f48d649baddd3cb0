// bench/coverage: `kforge test --vm --coverage` against the same `kforge test --vm` without coverage,
// both on the debug kernel (the kernel --coverage boots), for the two-function fixture whose steps run
// one function: build check, restore (warm) or boot (cold), insmod, the steps, the counter copy and
// gcov (coverage only), rmmod, kmemleak scan. Each variant has its own copy of the project, so neither
// rebuilds for the other; alternated, median of N, TCG.
// Usage: node bench/coverage.mjs [--runs 3] [--cold]   (needs `npm run build` and the debug kernel
// that `kforge kernel build 6.12 --debug` registers in kforge's cache, with gcov)
// Saved states go to a private cache (the shared kernel images are linked in, never written).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { argument, cachedKernels, newestDebugRelease } from "./kernels.mjs";

const runs = Number(argument("runs", "3"));
const cold = process.argv.includes("--cold") ? ["--cold"] : [];
const repo = new URL("..", import.meta.url).pathname;
const kforge = join(repo, "bin/kforge.js");
const kernels = cachedKernels;
const debugRelease = newestDebugRelease();

const work = mkdtempSync(join(tmpdir(), "kforge-bench-coverage-"));
const privateCache = join(work, "cache");
mkdirSync(join(privateCache, "kforge"), { recursive: true });
if (existsSync(kernels)) symlinkSync(kernels, join(privateCache, "kforge", "kernels"));
const projects = {};
for (const name of ["plain", "coverage"]) {
  projects[name] = join(work, name);
  cpSync(join(repo, "test/fixtures/coverage-project"), projects[name], { recursive: true });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const seconds = (ms) => (ms / 1000).toFixed(2);

function cycle(name) {
  const extra = name === "coverage" ? ["--coverage"] : [];
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [kforge, "test", "--vm", projects[name], "--kernel", debugRelease, "--accel", "tcg", "--timeout", "400", "--json", ...cold, ...extra],
    { encoding: "utf8", timeout: 600_000, env: { ...process.env, XDG_CACHE_HOME: privateCache } },
  );
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`kforge test ${extra.join(" ")} failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  const result = JSON.parse(run.stdout);
  if (name === "coverage" && result.coverage?.status !== "ok") throw new Error(`no coverage: ${JSON.stringify(result.coverage)}`);
  const steps = result.steps.reduce((sum, step) => sum + step.durationMs, 0);
  return { ms, bootMs: result.bootMs, start: result.start, stepsMs: steps };
}

// Warm-up: both builds, the extracted image, and a saved guest state.
cycle("coverage");
cycle("plain");
const samples = { plain: [], coverage: [] };
for (let run = 0; run < runs; run++) for (const name of ["plain", "coverage"]) samples[name].push(cycle(name));
rmSync(work, { recursive: true, force: true });

const line = (label, name) => {
  const list = samples[name];
  return (
    `  ${label.padEnd(40)} ${seconds(median(list.map((sample) => sample.ms)))} s   ` +
    `[${list.map((sample) => seconds(sample.ms)).join(" ")}]  (boot/restore ${seconds(median(list.map((sample) => sample.bootMs)))} ` +
    `s, steps ${seconds(median(list.map((sample) => sample.stepsMs)))} s)`
  );
};
const ratio = (median(samples.coverage.map((sample) => sample.ms)) / median(samples.plain.map((sample) => sample.ms))).toFixed(2);
console.log(
  `coverage, ${debugRelease}, TCG, ${cold.length ? "cold boots" : "warm starts"}, twofunc fixture, median of ${runs} (alternated)`,
);
console.log(line("kforge test --vm", "plain"));
console.log(line("kforge test --vm --coverage", "coverage"));
console.log(`  ratio coverage/plain: ${ratio}`);
