// Two real `kforge build` runs in one dir for one kernel: the second waits for the first's make,
// says so, and then finds the dir up to date; a lock left by a dead process is taken over.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeLockPath } from "../../src/kbuild/make-lock.js";
import { KFORGE_BIN, runKforge, type CliResult } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function startBuild(dir: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KFORGE_BIN, "build", dir, "--kernel", kernel61().release], { env: { ...process.env, NO_COLOR: "1", CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
}

describe("the make lock", () => {
  it("makes a second concurrent build wait and say so, then see the first one's result", async () => {
    const dir = createModuleDir({ "Kbuild": "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir, kernel61().release);
    const first = startBuild(dir);
    const deadline = Date.now() + 30_000;
    while (!existsSync(lock) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(existsSync(lock)).toBe(true);
    const second = await runKforge(["build", dir, "--kernel", kernel61().release]);
    const firstResult = await first;
    expect(firstResult.exitCode).toBe(0);
    expect(second.exitCode).toBe(0);
    const output = second.stdout + second.stderr;
    expect(output).toMatch(/waiting: kforge process \d+ is running make in this dir/);
    // Waiting for the lock, the second run saw the finished build recorded: no second make.
    expect(output).toMatch(/up to date/);
    expect(existsSync(lock)).toBe(false);
  });

  it("takes over the lock of a process that is gone", async () => {
    const dir = createModuleDir({ "Kbuild": "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir, kernel61().release);
    const dead = spawnSync("true").pid;
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, `${dead}\n`);
    const build = await runKforge(["build", dir, "--kernel", kernel61().release]);
    expect(build.exitCode).toBe(0);
    expect(build.stderr).not.toContain("waiting");
    expect(existsSync(lock)).toBe(false);
  });
});
