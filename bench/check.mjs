#!/usr/bin/env node
// Benchmark: `kforge check` on a collection of small modules (lkmpg-sized: one dir, one Kbuild, many
// obj-m) against the same checkers run by hand one after the other, in a copy of the sources:
// checkpatch.pl on each file in turn, the W=1 build (without the final link, as kforge builds),
// sparse over the built objects (`make C=2`), then each semantic patch in turn. The by-hand side runs
// exactly the commands kforge runs (taken from kforge's own dist/ code: the same checkpatch flags, make
// arguments and spatch command lines, make with -j<cpus>), so the difference is only that kforge runs
// them side by side, checkpatch.pl and coccinelle already while kbuild compiles. Alternated pairs;
// prints a markdown table of medians and the ratio. With a third argument, the path of another built
// kforge checkout (say, of the commit before a change), its `kforge check` runs too, in the same rounds.
// Usage: npm run build && node bench/check.mjs [pairs] [modules] [other checkout]   (default 3 pairs, 30 modules)
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveAvailability } from "../dist/check/availability.js";
import { CHECKPATCH_FLAGS } from "../dist/check/checkpatch.js";
import { planCoccinelle, spatchArguments } from "../dist/check/coccinelle.js";
import { newestRelease } from "./kernels.mjs";
import { median } from "./timing.mjs";

const pairs = Number(process.argv[2] ?? 3);
const moduleCount = Number(process.argv[3] ?? 30);
const release = await newestRelease();
const kdir = `/lib/modules/${release}/build`;
const kforge = fileURLToPath(new URL("../bin/kforge.js", import.meta.url));
const other = process.argv[4] ? join(process.argv[4], "bin", "kforge.js") : undefined;
const cpus = availableParallelism();
const environment = { ...process.env, LC_ALL: "C", CI: "true", NO_COLOR: "1", GITHUB_ACTIONS: "" };
const root = mkdtempSync(join(tmpdir(), "kforge-bench-check-"));

// An lkmpg-style example: a proc file whose read copies a message to user space.
const moduleText = (name) => `// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

static struct proc_dir_entry *${name}_entry;

static ssize_t ${name}_read(struct file *file, char __user *buffer, size_t length, loff_t *offset)
{
	static const char message[] = "${name}\\n";
	size_t count = min(length, sizeof(message));

	if (*offset > 0 || copy_to_user(buffer, message, count))
		return 0;
	*offset += count;
	return count;
}

static const struct proc_ops ${name}_ops = {
	.proc_read = ${name}_read,
};

static int __init ${name}_init(void)
{
	${name}_entry = proc_create("${name}", 0444, NULL, &${name}_ops);
	return ${name}_entry ? 0 : -ENOMEM;
}

static void __exit ${name}_exit(void)
{
	proc_remove(${name}_entry);
}

module_init(${name}_init);
module_exit(${name}_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("${name}");
`;

const source = join(root, "collection");
mkdirSync(source);
const names = Array.from({ length: moduleCount }, (_, index) => `example${index + 1}`);
for (const name of names) writeFileSync(join(source, `${name}.c`), moduleText(name));
writeFileSync(join(source, "Kbuild"), names.map((name) => `obj-m += ${name}.o\n`).join(""));
const files = names.map((name) => `${name}.c`);

// The commands kforge check runs, from its own code.
const availability = await resolveAvailability({
  release,
  kdir,
  cwd: source,
  checkers: ["checkpatch", "sparse", "w1", "coccinelle"],
  explicit: true,
  variables: [],
});
const coccinelle = await planCoccinelle(availability.scripts, availability.spatch, undefined, kdir);
const makeArguments = (dir, extra) => ["-C", kdir, `M=${dir}`, `-j${cpus}`, "W=1", ...extra];

function run(file, args, cwd, okCodes = [0]) {
  const result = spawnSync(file, args, { cwd, env: { ...environment, MAKEFLAGS: "-k" }, stdio: "ignore" });
  if (!okCodes.includes(result.status)) throw new Error(`${file} ${args.join(" ")} exited ${result.status}`);
}

function byHand() {
  const dir = join(root, "by-hand");
  rmSync(dir, { recursive: true, force: true });
  cpSync(source, dir, { recursive: true });
  const started = process.hrtime.bigint();
  for (const file of files)
    run(availability.checkpatch.program, [...availability.checkpatch.leading, ...CHECKPATCH_FLAGS, file], dir, [0, 1]);
  run("make", makeArguments(dir, ["KBUILD_MODPOST_NOFINAL=1", "modules"]), dir);
  run("make", makeArguments(dir, ["C=2", ...names.map((name) => `${name}.o`)]), dir);
  const input = { includes: coccinelle.includes, sources: files, headers: [], python: coccinelle.python };
  for (const patch of coccinelle.run) run("spatch", spatchArguments(patch, input), dir);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function viaKforge(program = kforge) {
  rmSync(join(source, ".kforge"), { recursive: true, force: true });
  const started = process.hrtime.bigint();
  run(process.execPath, [program, "check", source, "--kernel", release, "--fail-on", "none", "--json"], source);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

const samples = { hand: [], kforge: [], other: [] };
const sides = { hand: byHand, kforge: () => viaKforge(), other: () => viaKforge(other) };
for (let pair = 0; pair < pairs; pair += 1) {
  // Alternate which side goes first so cache warmth does not favour one.
  const order = other ? ["hand", "kforge", "other"] : ["hand", "kforge"];
  for (const side of pair % 2 === 0 ? order : order.reverse()) samples[side].push(sides[side]());
}
const leftovers = readdirSync(source).filter((name) => !name.endsWith(".c") && name !== "Kbuild" && name !== ".kforge");
rmSync(root, { recursive: true, force: true });

const hand = median(samples.hand);
const ours = median(samples.kforge);
console.log(
  `kforge check vs the same checkers by hand one after the other: ${moduleCount} ` +
    `modules, ${release}, ${coccinelle.run.length} semantic patches, ${pairs} alternated pairs, ${cpus} CPUs\n`,
);
console.log("| case | by hand, one after the other, median (ms) | kforge check median (ms) | ratio | target |");
console.log("|---|---:|---:|---:|---:|");
console.log(
  `| ${moduleCount}-module collection | ${hand.toFixed(0)} | ${ours.toFixed(0)} ` +
    `| ${(ours / hand).toFixed(2)} | <= 0.6 ${ours / hand <= 0.6 ? "(met)" : "(missed)"} |`,
);
if (other) {
  const theirs = median(samples.other);
  console.log(`| the same, ${process.argv[4]} | ${hand.toFixed(0)} | ${theirs.toFixed(0)} | ${(theirs / hand).toFixed(2)} | |`);
}
const listed = (side) => samples[side].map(Math.round).join(", ");
console.log(
  `\nsamples (ms): by hand ${listed("hand")}; kforge ${listed("kforge")}${other ? `; ${process.argv[4]} ${listed("other")}` : ""}`,
);
if (leftovers.length > 0) console.log(`kforge wrote into the sources: ${leftovers.join(", ")}`);
