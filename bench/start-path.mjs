#!/usr/bin/env node
// Benchmark: the start path of this checkout against another (an earlier commit, checked out and built
// with `npm ci` elsewhere), alternated run by run in one process: `kforge --version`, a no-op
// `kforge build` (up to date) and a warm `kforge vm` (restored guest, one step). Each checkout builds in
// its own copy of the same module.
// Prints the medians and this checkout's time as a fraction of the other's.
// Each checkout has its own kforge cache (saved guest states, probe cache) linking to the user's fetched
// kernels: two checkouts with different guest agents would otherwise replace each other's saved states
// and make every "warm" vm a cold boot.
// Usage: npm run build && node bench/start-path.mjs <other checkout> [pairs] [kernel release]
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { newestRelease } from "./kernels.mjs";
import { median, timed } from "./timing.mjs";

const other = resolve(process.argv[2] ?? "");
const pairs = Number(process.argv[3] ?? 15);
const release = process.argv[4] ?? (await newestRelease("6.1"));
if (!process.argv[2]) throw new Error("usage: node bench/start-path.mjs <other checkout> [pairs] [kernel release]");

const root = mkdtempSync(join(tmpdir(), "kforge-bench-"));
const template = join(root, "template");
mkdirSync(template);
writeFileSync(join(template, "Kbuild"), "obj-m += startpath.o\n");
writeFileSync(
  join(template, "startpath.c"),
  "#include <linux/module.h>\n#include <linux/init.h>\nstatic int __init startpath_init(void)\n" +
    "{\n\treturn 0;\n}\nstatic void __exit startpath_exit(void)\n{\n}\n" +
    'module_init(startpath_init);\nmodule_exit(startpath_exit);\nMODULE_LICENSE("GPL");\n',
);
writeFileSync(join(template, "kforge.json"), JSON.stringify({ kernel: release, vm: { accel: "tcg", test: ["true"] } }));

const environment = { ...process.env, LC_ALL: "C", CI: "true", NO_COLOR: "1" };
const checkouts = { this: fileURLToPath(new URL("..", import.meta.url)), other };
const dirs = Object.fromEntries(
  Object.keys(checkouts).map((name) => {
    const dir = join(root, name);
    cpSync(template, dir, { recursive: true });
    return [name, dir];
  }),
);
const sharedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
const caches = Object.fromEntries(
  Object.keys(checkouts).map((name) => {
    const cache = join(root, `${name}-cache`);
    mkdirSync(join(cache, "kforge"), { recursive: true });
    if (existsSync(sharedKernels)) symlinkSync(sharedKernels, join(cache, "kforge", "kernels"));
    return [name, cache];
  }),
);
const kforge = (name, args) =>
  timed(process.execPath, [join(checkouts[name], "bin", "kforge.js"), ...args], { ...environment, XDG_CACHE_HOME: caches[name] });
const commands = {
  "--version": (name) => kforge(name, ["--version"]),
  "no-op build": (name) => kforge(name, ["build", dirs[name]]),
  "warm vm": (name) => kforge(name, ["vm", dirs[name]]),
};

// The first build and the first vm (which saves the guest state) are not measured.
for (const name of Object.keys(checkouts)) {
  kforge(name, ["build", dirs[name]]);
  kforge(name, ["vm", dirs[name]]);
}
const times = Object.fromEntries(Object.keys(commands).map((command) => [command, { this: [], other: [] }]));
for (let pair = 0; pair < pairs; pair++) {
  for (const [command, run] of Object.entries(commands)) {
    for (const name of pair % 2 === 0 ? ["this", "other"] : ["other", "this"]) times[command][name].push(run(name));
  }
}
rmSync(root, { recursive: true, force: true });

console.log(`| command (${release}, ${pairs} pairs) | this checkout | ${other} | ratio |`);
console.log("|---|---:|---:|---:|");
for (const [command, { this: mine, other: theirs }] of Object.entries(times)) {
  const [a, b] = [median(mine), median(theirs)];
  console.log(`| ${command} | ${a.toFixed(0)} ms | ${b.toFixed(0)} ms | ${(a / b).toFixed(2)} |`);
}
