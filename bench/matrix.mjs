#!/usr/bin/env node
// Benchmark: a matrix build, `kforge build --kernel all` (every installed build tree, in parallel,
// each in its own .kforge/build/<release>/ tree), against the same builds run one after another with
// raw `make -C <kdir> M=<copy> modules -j<cpus>`, one copy of the sources per kernel as DKMS keeps
// them. Cold = after a clean; no-op = nothing changed since the last build. Alternated, on a small
// module and on a collection of 40 small modules. Prints a markdown table of medians and ratios.
// Usage: npm run build && node bench/matrix.mjs [pairs]   (default 5)
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { installedReleases } from "./kernels.mjs";
import { median, timed } from "./timing.mjs";

const pairs = Number(process.argv[2] ?? 5);
const releases = await installedReleases();
const kforge = fileURLToPath(new URL("../bin/kforge.js", import.meta.url));
const cpus = availableParallelism();
const environment = { ...process.env, LC_ALL: "C", CI: "true", NO_COLOR: "1" };
const root = mkdtempSync(join(tmpdir(), "kforge-bench-matrix-"));

const moduleText = (name) =>
  `#include <linux/module.h>\n#include <linux/init.h>\n\nstatic int __init ${name}_init(void)\n` +
  `{\n\tpr_info("${name}\\n");\n\treturn 0;\n}\n\nstatic void __exit ${name}_exit(void)\n` +
  `{\n}\n\nmodule_init(${name}_init);\nmodule_exit(${name}_exit);\nMODULE_LICENSE("GPL");\n`;

function writeProject(name, moduleCount) {
  const dir = join(root, name, "src");
  mkdirSync(dir, { recursive: true });
  const names = Array.from({ length: moduleCount }, (_, index) => `${name}${index + 1}`);
  for (const module of names) writeFileSync(join(dir, `${module}.c`), moduleText(module));
  writeFileSync(join(dir, "Kbuild"), names.map((module) => `obj-m += ${module}.o\n`).join(""));
  // The raw side builds each kernel in its own copy, so kernels never rebuild over each other.
  const copies = releases.map((release) => {
    const copy = join(root, name, `raw-${release}`);
    cpSync(dir, copy, { recursive: true });
    return { release, dir: copy };
  });
  return { name, moduleCount, dir, copies };
}

const rawSequential = (project) =>
  project.copies.reduce(
    (sum, copy) => sum + timed("make", ["-C", `/lib/modules/${copy.release}/build`, `M=${copy.dir}`, `-j${cpus}`, "modules"], environment),
    0,
  );
const viaKforge = (project) => timed(process.execPath, [kforge, "build", project.dir, "--kernel", "all"], environment);

function clean(project) {
  for (const copy of project.copies)
    execFileSync("make", ["-C", `/lib/modules/${copy.release}/build`, `M=${copy.dir}`, "clean"], { env: environment, stdio: "ignore" });
  rmSync(join(project.dir, ".kforge"), { recursive: true, force: true });
}

function measure(project) {
  const samples = { coldRaw: [], coldKforge: [], noopRaw: [], noopKforge: [] };
  for (let pair = 0; pair < pairs; pair += 1) {
    // Alternate which side goes first so cache warmth does not favour one.
    const order = pair % 2 === 0 ? ["raw", "kforge"] : ["kforge", "raw"];
    clean(project);
    for (const side of order)
      samples[side === "raw" ? "coldRaw" : "coldKforge"].push(side === "raw" ? rawSequential(project) : viaKforge(project));
    for (const side of order)
      samples[side === "raw" ? "noopRaw" : "noopKforge"].push(side === "raw" ? rawSequential(project) : viaKforge(project));
  }
  return Object.fromEntries(Object.entries(samples).map(([key, values]) => [key, median(values)]));
}

const projects = [writeProject("small", 1), writeProject("collection", 40)];
const rows = [];
for (const project of projects) {
  const result = measure(project);
  const label = project.moduleCount === 1 ? "small module" : `${project.moduleCount}-module collection`;
  rows.push([`cold, ${label}`, result.coldRaw, result.coldKforge, project.moduleCount === 1 ? 0.65 : 0.9]);
  rows.push([`no-op, ${label} (vs the sequential cold build)`, result.coldRaw, result.noopKforge, 0.15]);
  rows.push([`no-op, ${label} (vs sequential raw no-op make)`, result.noopRaw, result.noopKforge, undefined]);
}
rmSync(root, { recursive: true, force: true });

console.log(
  `kforge build --kernel all vs raw make one kernel after another: ${releases.length} ` +
    `kernels (${releases.join(", ")}), ${pairs} alternated pairs, ${cpus} CPUs\n`,
);
console.log("| case | raw make, sequential, median (ms) | kforge median (ms) | ratio | target |");
console.log("|---|---:|---:|---:|---:|");
for (const [name, rawMs, kforgeMs, target] of rows) {
  const ratio = kforgeMs / rawMs;
  const verdict = target === undefined ? "-" : `<= ${target} ${ratio <= target ? "(met)" : "(missed)"}`;
  console.log(`| ${name} | ${rawMs.toFixed(0)} | ${kforgeMs.toFixed(0)} | ${ratio.toFixed(2)} | ${verdict} |`);
}
