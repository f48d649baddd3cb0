// checkpatch.pl of linux-source-6.12 (kforge's cache) through kforge's driver: several files for one
// start, each checked as its own `checkpatch.pl --file <file>` run checks it.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CHECKPATCH_FLAGS, checkpatchTasks } from "../../src/check/checkpatch.js";
import type { TaskOutcome } from "../../src/check/run-tool.js";
import { kforgeCacheDir } from "../../src/fs/cache-dir.js";

const source = join(kforgeCacheDir(), "sources", "linux-source-6.12");
const script = join(source, "scripts", "checkpatch.pl");
const dir = mkdtempSync(join(tmpdir(), "kforge-checkpatch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const limits = { timeoutMs: 120_000 };

// Real kernel files with many findings of many kinds, and two files sharing a CamelCase word, which
// checkpatch reports only in the first file of one run over both.
const kernelFiles = ["drivers/char/misc.c", "drivers/char/nvram.c", "drivers/misc/dummy-irq.c", "drivers/misc/hpilo.h"];
for (const file of kernelFiles) cpSync(join(source, file), join(dir, basename(file)));
const camel = "// SPDX-License-Identifier: GPL-2.0\nint fooBar;\n";
writeFileSync(join(dir, "one.c"), camel);
writeFileSync(join(dir, "two.c"), camel);
// --strict, for CamelCase, through the project's own .checkpatch.conf, as a user would set it.
writeFileSync(join(dir, ".checkpatch.conf"), "--strict\n");
const files = [...kernelFiles.map((file) => basename(file)), "one.c", "two.c"];

// What a run of its own per file finds.
const separateRuns = files.flatMap((file) => {
  try {
    return execFileSync("perl", [script, ...CHECKPATCH_FLAGS, file], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
});

async function findingsOf(tasks: (() => Promise<TaskOutcome>)[]) {
  const outcomes = await Promise.all(tasks.map((task) => task()));
  expect(outcomes.flatMap((outcome) => (outcome.failure ? [outcome.failure] : []))).toEqual([]);
  return outcomes.flatMap((outcome) => outcome.findings).map(({ file, line, rule }) => `${file}:${line}:${rule}`);
}

describe("checkpatchTasks", () => {
  const expected = separateRuns
    .join("")
    .split("\n")
    .filter((line) => /: (ERROR|WARNING|CHECK):/.test(line))
    .map((line) => line.replace(/^([^:]+):(\d+): \w+:(\w+):.*$/, "$1:$2:$3"));

  it("finds in a group of files exactly what a run per file finds, CamelCase in both files", async () => {
    expect(expected.length).toBeGreaterThan(20);
    expect(expected).toEqual(expect.arrayContaining(["one.c:2:CAMELCASE", "two.c:2:CAMELCASE"]));
    // One plain run over both files would say it once.
    const together = spawnSync("perl", [script, ...CHECKPATCH_FLAGS, "one.c", "two.c"], { cwd: dir, encoding: "utf8" });
    expect(together.stdout.match(/CAMELCASE/g)).toHaveLength(1);
    const command = { program: "perl", leading: [script], origin: "test" };
    const tasks = checkpatchTasks(command, dir, files, limits);
    expect(tasks).toHaveLength(1);
    expect(await findingsOf(tasks)).toEqual(expected);
  });

  it("runs a checkpatch.pl whose file loop it does not know once per file, with the same findings", async () => {
    const other = join(dir, "other-checkpatch.pl");
    const text = readFileSync(script, "utf8");
    writeFileSync(other, text.replace("for my $filename (@ARGV) {", "foreach my $filename (@ARGV) {"));
    // Its spelling and const-struct lists are found beside it, as in a kernel tree.
    for (const list of ["spelling.txt", "const_structs.checkpatch"]) cpSync(join(source, "scripts", list), join(dir, list));
    const tasks = checkpatchTasks({ program: "perl", leading: [other], origin: "test" }, dir, files, limits);
    expect(await findingsOf(tasks)).toEqual(expected);
  });
});
