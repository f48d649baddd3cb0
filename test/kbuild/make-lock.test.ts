// Real `kforge build` runs in one dir: a second build waits for the first's make, says so, and then
// finds the dir up to date; builds for two kernels in one dir take turns (their objects are shared);
// a lock left by a dead process, or naming a pid a later process reuses, is taken over.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeLockPath } from "../../src/kbuild/make-lock.js";
import { describeThisProcess } from "../../src/process/alive.js";
import { mirrorDir } from "../../src/kbuild/mirror.js";
import { KFORGE_BIN, runKforge, type CliResult } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function startBuild(dir: string, args: string[] = ["--kernel", kernel61().release]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [KFORGE_BIN, "build", dir, ...args], { env: { ...process.env, NO_COLOR: "1", CI: "true" } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
}

// Starts a plain build, and once it holds the lock of `lockDir(dir)`, the same build with
// --json: that one waits, says so on stderr only, and its stdout is exactly its one JSON object.
async function secondBuildWaits(args: string[], lockDir: (dir: string) => string): Promise<CliResult> {
  const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
  dirs.push(dir);
  const lock = makeLockPath(lockDir(dir));
  const first = startBuild(dir, args);
  const deadline = Date.now() + 30_000;
  // The lock file appears before its owner's pid is written into it.
  const holderPid = () => (existsSync(lock) ? Number(readFileSync(lock, "utf8").split(" ")[0]) : 0);
  while (!holderPid() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  const holder = holderPid();
  const second = await startBuild(dir, [...args, "--json"]);
  const firstResult = await first;
  expect(firstResult.exitCode, firstResult.stderr).toBe(0);
  expect(second.exitCode, second.stderr).toBe(0);
  expect(second.stdout.trim().split("\n")).toHaveLength(1);
  const report = JSON.parse(second.stdout) as { ok: boolean; kernels: { release: string; upToDate: boolean }[] };
  expect(report.ok).toBe(true);
  // It waited for the first build and then found its result: no second make.
  expect(report.kernels.map((kernel) => kernel.upToDate)).toEqual(report.kernels.map(() => true));
  expect(second.stderr).toContain(`waiting: kforge process ${holder} is running make in this dir (lock ${lock})`);
  return second;
}

describe("the make lock", () => {
  it("makes a second concurrent build wait and say so, then see the first one's result", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir);
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

  it("with --json says it waits on stderr and keeps stdout one JSON object, for one kernel and for a matrix", async () => {
    const single = await secondBuildWaits(["--kernel", kernel61().release], (dir) => dir);
    expect(single.stderr).toMatch(/^kforge: waiting: kforge process/m);
    // A matrix builds each kernel in its own mirror tree, so a second matrix run waits on those.
    const matrix = await secondBuildWaits(["--kernel", kernel61().release, "--kernel", kernel612().release], (dir) =>
      mirrorDir(dir, kernel61().release),
    );
    expect(matrix.stderr).toContain(`${kernel61().release}: waiting: kforge process`);
  });

  it("makes builds for two kernels in one dir take turns, so each .ko is made of its own kernel's objects", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir);
    const first = startBuild(dir, ["--kernel", kernel61().release, "--json"]);
    const deadline = Date.now() + 30_000;
    while (!existsSync(lock) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await startBuild(dir, ["--kernel", kernel612().release, "--json"]);
    const firstResult = await first;
    expect(second.stderr).toMatch(/waiting: kforge process \d+ is running make in this dir/);
    for (const [result, kernel] of [
      [firstResult, kernel61()],
      [second, kernel612()],
    ] as const) {
      expect(result.exitCode, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as { kernels: { artifacts: { vermagic: string }[] }[] };
      expect(report.kernels[0]!.artifacts[0]!.vermagic.split(" ")[0]).toBe(kernel.release);
    }
  });

  it("takes over the lock of a process that is gone, or of a pid that a later process reuses", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir);
    mkdirSync(dirname(lock), { recursive: true });
    const dead = spawnSync("true").pid;
    // A live process that is not the one that wrote the lock: this test's own pid with a start time
    // it never had.
    for (const holder of [`${dead}\n`, `${process.pid} 1\n`]) {
      writeFileSync(lock, holder);
      const build = await runKforge(["build", dir, "--kernel", kernel61().release, "--force"], { timeoutMs: 60_000 });
      expect(build.exitCode, build.stderr).toBe(0);
      expect(build.stderr).not.toContain("waiting");
      expect(existsSync(lock)).toBe(false);
      mkdirSync(dirname(lock), { recursive: true });
    }
  });

  it("makes kforge vm say that it waits for another process's make", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    dirs.push(dir);
    const lock = makeLockPath(dir);
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, `${describeThisProcess()}\n`);
    const child = spawn(process.execPath, [KFORGE_BIN, "vm", dir, "--kernel", kernel61().release], {
      env: { ...process.env, NO_COLOR: "1" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const deadline = Date.now() + 30_000;
    while (!stderr.includes("waiting") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill("SIGINT");
    expect(await exited).toBe(130);
    expect(stderr).toContain(`kforge: waiting: kforge process ${process.pid} is running make in this dir (lock ${lock})`);
    // It never built or booted while waiting; the lock is still the one this test holds.
    expect(readFileSync(lock, "utf8")).toBe(`${describeThisProcess()}\n`);
  });
});
