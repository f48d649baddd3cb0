#!/usr/bin/env node
// Benchmark: edit-to-new-message with `kforge watch --vm --json` (a guest that stays up) against the
// loop a user would otherwise script, `kforge build` then a fresh `kforge vm` per change, and against
// `kforge build` alone after the same edit (the floor watch adds its reload to), and against watch
// with its fast rebuild path switched off (KFORGE_FAST_REBUILD=off: make on every change). One-file
// module, N edits of its pr_info text, TCG, all in one run. Prints medians and ratios.
// Usage: npm run build && node bench/watch-reload.mjs [edits] [kernel release]   (default 10, the newest installed 6.1)
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { newestRelease } from "./kernels.mjs";
import { followWatch } from "./watch-events.mjs";

const edits = Number(process.argv[2] ?? 10);
const release = process.argv[3] ?? (await newestRelease("6.1"));
const kforge = fileURLToPath(new URL("../bin/kforge.js", import.meta.url));
const environment = { ...process.env, CI: "true", NO_COLOR: "1" };
const source = (text) =>
  `#include <linux/module.h>\nstatic int __init bench_init(void)\n{\n\tpr_info("bench: ${text}\\n");\n\treturn 0;\n}\n` +
  `static void __exit bench_exit(void)\n{\n}\nmodule_init(bench_init);\nmodule_exit(bench_exit);\nMODULE_LICENSE("GPL");\n`;

function createModule() {
  const dir = mkdtempSync(join(tmpdir(), "kforge-bench-watch-"));
  writeFileSync(join(dir, "Kbuild"), "obj-m += bench.o\n");
  writeFileSync(join(dir, "bench.c"), source("start"));
  return dir;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const kforgeRun = (args) => spawnSync(process.execPath, [kforge, ...args], { env: environment, encoding: "utf8" });

// One watch session; for each edit, the time from the write to the kernel-log event with the new
// text, and the build-end's duration and path (fast: kbuild's recorded commands; make).
async function measureWatch(dir, extraEnvironment = {}) {
  const child = spawn(process.execPath, [kforge, "watch", dir, "--json", "--kernel", release, "--accel", "tcg"], {
    env: { ...environment, ...extraEnvironment },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const { waitFor, shows } = followWatch(child);
  await waitFor(shows("bench: start"));
  const times = [];
  const builds = [];
  const paths = new Set();
  for (let edit = 0; edit < edits; edit++) {
    const text = `watch edit ${edit}`;
    const built = waitFor((event) => event.event === "build-end").then((event) => {
      builds.push(event.durationMs);
      paths.add(event.path);
    });
    const seen = waitFor(shows(text));
    const started = performance.now();
    writeFileSync(join(dir, "bench.c"), source(text));
    await Promise.all([seen, built]);
    times.push(performance.now() - started);
  }
  child.kill("SIGINT");
  await new Promise((resolve) => child.on("close", resolve));
  return { times, builds, paths: [...paths].join("+") };
}

// The naive loop: after each edit, build, then boot a fresh guest that loads the module.
function measureNaive(dir) {
  const build = [];
  const naive = [];
  for (let edit = 0; edit < edits; edit++) {
    const text = `naive edit ${edit}`;
    writeFileSync(join(dir, "bench.c"), source(text));
    const started = performance.now();
    if (kforgeRun(["build", dir, "--kernel", release]).status !== 0) throw new Error("kforge build failed");
    build.push(performance.now() - started);
    const vm = kforgeRun(["vm", dir, "--json", "--kernel", release, "--accel", "tcg"]);
    if (!vm.stdout.includes(text)) throw new Error(`kforge vm did not show the new text:\n${vm.stdout}\n${vm.stderr}`);
    naive.push(performance.now() - started);
  }
  return { build, naive };
}

const watchDir = createModule();
const makeWatchDir = createModule();
const naiveDir = createModule();
kforgeRun(["build", naiveDir, "--kernel", release]);
try {
  const watch = await measureWatch(watchDir);
  // The same loop with the fast rebuild path switched off: every rebuild re-enters make.
  const makeWatch = await measureWatch(makeWatchDir, { KFORGE_FAST_REBUILD: "off" });
  const { build, naive } = measureNaive(naiveDir);
  const row = (name, values, buildValues) =>
    `| ${name} | ${(median(values) / 1000).toFixed(2)} s ` +
    `| ${buildValues ? `${(median(buildValues) / 1000).toFixed(2)} s` : "-"} | ${(median(values) / median(naive)).toFixed(2)} |`;
  console.log(`kernel ${release}, TCG, ${edits} edits, medians (edit to the new pr_info text in the guest)\n`);
  console.log("| loop | median | its build step | ratio to the naive loop |\n| --- | --- | --- | --- |");
  console.log(row(`kforge watch --vm (build path: ${watch.paths})`, watch.times, watch.builds));
  console.log(row(`kforge watch --vm, KFORGE_FAST_REBUILD=off (build path: ${makeWatch.paths})`, makeWatch.times, makeWatch.builds));
  console.log(row("kforge build (incremental) alone", build));
  console.log(row("kforge build + kforge vm (naive)", naive));
  console.log(
    `\nwatch minus build alone: ${((median(watch.times) - median(build)) / 1000).toFixed(2)} s; ` +
      `fast path against make in watch: ${(median(watch.times) / median(makeWatch.times)).toFixed(2)}`,
  );
} finally {
  rmSync(watchDir, { recursive: true, force: true });
  rmSync(makeWatchDir, { recursive: true, force: true });
  rmSync(naiveDir, { recursive: true, force: true });
}
