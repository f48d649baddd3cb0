#!/usr/bin/env node
// Benchmark: a cross build of a small module with `kforge build --kernel <arm64 release>` (ARCH and
// CROSS_COMPILE from the tree) against raw `make -C <kdir> M=<dir> ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
// modules` on the same fetched Debian tree, alternating them in one run. Two raw baselines: as typed (no -j)
// and with the -j kforge passes. Cold = after a clean (kforge's compiler-probe cache stays filled, as on a
// developer's machine); no-op = nothing changed since the last build. Prints a markdown table of medians.
// Usage: npm run build && node bench/cross-build.mjs [pairs] [flavour]
//   (flavour arm64 or armmp, default arm64: the installed 6.1's release with that flavour, as
//    scripts/setup.sh fetches it with kforge kernel fetch)
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { kforgeCacheDir } from "../dist/fs/cache-dir.js";
import { newestRelease } from "./kernels.mjs";
import { median, timed } from "./timing.mjs";

const pairs = Number(process.argv[2] ?? 7);
const flavour = process.argv[3] ?? "arm64";
const target = { arm64: ["arm64", "aarch64-linux-gnu-"], armmp: ["arm", "arm-linux-gnueabihf-"] }[flavour];
if (!target) throw new Error(`flavour ${flavour}: use arm64 or armmp`);
const release = (await newestRelease("6.1")).replace(/-amd64$/, `-${flavour}`);
const kdir = join(kforgeCacheDir(), "kernels", release, "build");
if (!existsSync(join(kdir, "Makefile"))) throw new Error(`${release} is not fetched: node bin/kforge.js kernel fetch ${release}`);
const kforge = fileURLToPath(new URL("../bin/kforge.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "kforge-bench-cross-"));
writeFileSync(join(dir, "Kbuild"), "obj-m += bench.o\n");
writeFileSync(
  join(dir, "bench.c"),
  "#include <linux/module.h>\n#include <linux/init.h>\n\nstatic int __init bench_init(void)\n" +
    '{\n\tpr_info("bench\\n");\n\treturn 0;\n}\n\nstatic void __exit bench_exit(void)\n' +
    '{\n}\n\nmodule_init(bench_init);\nmodule_exit(bench_exit);\nMODULE_LICENSE("GPL");\n',
);

const environment = { ...process.env, LC_ALL: "C", CI: "true", NO_COLOR: "1" };
const makeArguments = ["-C", kdir, `M=${dir}`, `ARCH=${target[0]}`, `CROSS_COMPILE=${target[1]}`, "modules"];
const jobs = `-j${availableParallelism()}`;

const raw = () => timed("make", [jobs, ...makeArguments], environment);
const rawAsTyped = () => timed("make", makeArguments, environment);
const viaKforge = () => timed(process.execPath, [kforge, "build", dir, "--kernel", release], environment);
function clean() {
  execFileSync("make", [...makeArguments.slice(0, -1), "clean"], { env: environment, stdio: "ignore" });
  rmSync(join(dir, ".kforge"), { recursive: true, force: true });
}

// kforge's probe cache for this tree and cross toolchain, filled once as any first build does.
clean();
viaKforge();
const samples = { coldRaw: [], coldRawAsTyped: [], coldKforge: [], noopRaw: [], noopKforge: [] };
const coldRuns = { raw: ["coldRaw", raw], typed: ["coldRawAsTyped", rawAsTyped], kforge: ["coldKforge", viaKforge] };
for (let pair = 0; pair < pairs; pair += 1) {
  const rotation = ["raw", "typed", "kforge"];
  for (const side of [...rotation.slice(pair % 3), ...rotation.slice(0, pair % 3)]) {
    clean();
    const [key, run] = coldRuns[side];
    samples[key].push(run());
  }
  viaKforge();
  const order = pair % 2 === 0 ? ["raw", "kforge"] : ["kforge", "raw"];
  for (const side of order) samples[side === "raw" ? "noopRaw" : "noopKforge"].push(side === "raw" ? rawAsTyped() : viaKforge());
}
rmSync(dir, { recursive: true, force: true });

const rows = [
  [
    `cold cross build vs \`make ARCH=${target[0]} CROSS_COMPILE=${target[1]} ...\` as typed`,
    median(samples.coldRawAsTyped),
    median(samples.coldKforge),
    0.9,
  ],
  [`cold cross build vs the same with \`${jobs}\``, median(samples.coldRaw), median(samples.coldKforge), 0.9],
  ["no-op rebuild", median(samples.noopRaw), median(samples.noopKforge), 0.3],
];
console.log(`kforge build vs raw make, cross build for ${release}, ${pairs} alternated pairs, ${jobs}\n`);
console.log("| case | raw make median (ms) | kforge median (ms) | ratio | target |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, rawMs, kforgeMs, goal] of rows) {
  const ratio = kforgeMs / rawMs;
  console.log(
    `| ${name} | ${rawMs.toFixed(0)} | ${kforgeMs.toFixed(0)} | ${ratio.toFixed(2)} | <= ${goal} ${ratio <= goal ? "(met)" : "(missed)"} |`,
  );
}
