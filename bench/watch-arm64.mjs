#!/usr/bin/env node
// Benchmark: `kforge watch --vm` on Debian's arm64 kernel (qemu-system-aarch64, TCG), from the write of a
// changed source to the kernel-log event with the new message from the guest, against the incremental cross
// build alone: `make -C <tree> M=<dir> ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- modules` as typed, after
// the same edit of a copy of the module, against the same fetched tree. Alternated per edit; medians.
// Target (issue 28): save to message <= incremental build + 0.6 s.
// Usage: npm run build && node bench/watch-arm64.mjs [--edits 7] [--release <6.1.0-N-arm64>]
// (needs the arm64 flavour of the installed 6.1, fetched by scripts/setup.sh). The guest state goes to a
// private cache (the shared kernels are linked in); the first boot is not measured.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { argument, cachedKernels, newestRelease } from "./kernels.mjs";
import { median } from "./timing.mjs";
import { followWatch } from "./watch-events.mjs";

const edits = Number(argument("edits", "7"));
const release = argument("release") ?? (await newestRelease("6.1")).replace(/-amd64$/, "-arm64");
const tree = join(cachedKernels, release, "build");
if (!existsSync(join(tree, "Makefile"))) throw new Error(`no fetched ${release}: node bin/kforge.js kernel fetch ${release}`);
const kforge = fileURLToPath(new URL("../bin/kforge.js", import.meta.url));
const cross = ["ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-"];
const source = (text) =>
  `#include <linux/module.h>\nstatic int __init bench_init(void)\n{\n\tpr_info("bench: ${text}\\n");\n\treturn 0;\n}\n` +
  `static void __exit bench_exit(void)\n{\n}\nmodule_init(bench_init);\nmodule_exit(bench_exit);\nMODULE_LICENSE("GPL");\n`;

const work = mkdtempSync(join(tmpdir(), "kforge-bench-watch-arm64-"));
const cache = join(work, "cache");
mkdirSync(join(cache, "kforge"), { recursive: true });
symlinkSync(cachedKernels, join(cache, "kforge", "kernels"));
const environment = { ...process.env, CI: "true", NO_COLOR: "1", XDG_CACHE_HOME: cache };

function createModule(name) {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "Kbuild"), "obj-m += bench.o\n");
  writeFileSync(join(dir, "bench.c"), source("start"));
  return dir;
}

// The incremental cross build a user would type after saving, in its own copy of the module.
const makeDir = createModule("make");
const makeBuild = () => {
  const started = performance.now();
  const run = spawnSync("make", ["-C", tree, `M=${makeDir}`, ...cross, "modules"], { stdio: "ignore" });
  if (run.status !== 0) throw new Error(`make exited ${run.status}`);
  return performance.now() - started;
};
makeBuild();

const watchDir = createModule("watch");
const child = spawn(process.execPath, [kforge, "watch", watchDir, "--json", "--kernel", release], {
  env: environment,
  stdio: ["ignore", "pipe", "inherit"],
});
const { waitFor, shows } = followWatch(child);

const samples = { watch: [], watchBuild: [], make: [] };
const paths = new Set();
const ready = await waitFor((event) => event.event === "ready");
await waitFor(shows("bench: start"));
try {
  for (let edit = 0; edit < edits; edit++) {
    const text = `edit ${edit}`;
    const built = waitFor((event) => event.event === "build-end");
    const seen = waitFor(shows(text));
    const started = performance.now();
    writeFileSync(join(watchDir, "bench.c"), source(text));
    const [, end] = await Promise.all([seen, built]);
    samples.watch.push(performance.now() - started);
    samples.watchBuild.push(end.durationMs);
    paths.add(end.path);
    writeFileSync(join(makeDir, "bench.c"), source(text));
    samples.make.push(makeBuild());
  }
} finally {
  child.kill("SIGINT");
  await new Promise((resolve) => child.on("close", resolve));
  rmSync(work, { recursive: true, force: true });
}

const seconds = (ms) => `${(ms / 1000).toFixed(2)} s`;
const list = (values) => values.map((ms) => (ms / 1000).toFixed(2)).join(" ");
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(`watch-arm64, ${release}, ${ready.accel}, guest ${ready.start}, ${edits} edits alternated, medians; load average now ${load}`);
console.log(`  save to new message, kforge watch --vm:  ${seconds(median(samples.watch))}   [${list(samples.watch)}]`);
console.log(
  `  its build (path ${[...paths].join("+")}):            ${seconds(median(samples.watchBuild))}   [${list(samples.watchBuild)}]`,
);
console.log(`  make ${cross.join(" ")} modules:  ${seconds(median(samples.make))}   [${list(samples.make)}]`);
const reload = samples.watch.map((ms, edit) => ms - samples.watchBuild[edit]);
console.log(`  save to message minus watch's own build (debounce, reload, transfer): ${seconds(median(reload))}   [${list(reload)}]`);
const margin = median(samples.watch) - median(samples.make);
console.log(`  save to message minus the incremental build: ${margin >= 0 ? "+" : ""}${seconds(margin)} (target <= +0.60 s)`);
