// `kforge watch --host` through the real CLI and real kbuild. This machine's kernel cannot load
// modules, so the refusal runs for real; the reload loop runs against FAKE insmod/rmmod scripts on
// PATH (test/fixtures/loader/fake-bin, as in test/loader/host-load.test.ts) plus a --proc-root holding
// a recorded-style /proc/modules, osrelease and kmsg dump that the fakes update; a hung init is a FAKE
// insmod that never returns (test/fixtures/loader/fake-bin-hang).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeLockPath } from "../../src/kbuild/make-lock.js";
import type { WatchEvent } from "../../src/watch/events.js";
import { runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";
import { kernel61, kernel612, releasePattern } from "../helpers/kernels.js";
import { leftoverProcesses } from "../helpers/processes.js";
import { createWatchProject, helloSource as hello, loadOf, WatchRun } from "../helpers/watch-run.js";

const root = mkdtempSync(join(tmpdir(), "kforge-watch-host-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const PROVIDER = readFileSync(new URL("../fixtures/vm/modules/pair/provider.c", import.meta.url), "utf8");
const CONSUMER = readFileSync(new URL("../fixtures/vm/modules/pair/consumer.c", import.meta.url), "utf8");

// A recorded system running `release`, with no module loaded yet.
function createProcRoot(name: string, release: string): string {
  const procRoot = join(root, name);
  mkdirSync(join(procRoot, "sys/kernel"), { recursive: true });
  writeFileSync(join(procRoot, "sys/kernel/osrelease"), `${release}\n`);
  writeFileSync(join(procRoot, "modules"), "");
  writeFileSync(join(procRoot, "kmsg"), "6,990,2000000,-;clocksource: Switched to clocksource tsc\n");
  return procRoot;
}

function startFakeWatch(
  { dir, temp }: { dir: string; temp: string },
  procRoot: string,
  args: string[] = [],
  fakes = "loader/fake-bin",
): WatchRun {
  return new WatchRun(dir, ["--host", "--proc-root", procRoot, ...args], temp, {
    PATH: `${fixturePath(fakes)}:${process.env.PATH}`,
    KFORGE_FAKE_PROC: procRoot,
  });
}

// hello with a parameter, to see kforge.json params reach insmod.
const helloWithCount = (body: string) =>
  hello(body).replace("static int *volatile nowhere;", "static int *volatile nowhere;\nstatic int count;\nmodule_param(count, int, 0444);");

const moduleEvents = (events: WatchEvent[]) =>
  events.flatMap((event) => (event.event === "load" || event.event === "unload" ? [`${event.event} ${event.module}`] : []));

describe("kforge watch --host on this machine", () => {
  it.skipIf(existsSync("/proc/modules"))(
    "on a kernel without module support says so, points at --vm and exits 2 before building",
    async () => {
      const { dir } = createWatchProject(root, "no-support", { "hello.c": hello(`pr_info("hello\\n");`), Kbuild: "obj-m := hello.o\n" });
      const result = await runKforge(["watch", "--host", "--json", dir]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain("the running kernel cannot load modules");
      expect(result.stderr).toContain("hint: use kforge watch --vm");
      const events = result.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ event: "error", hint: expect.stringContaining("--vm") });
      expect(events[0].message).toContain("cannot load modules");
      expect(existsSync(join(dir, "hello.ko"))).toBe(false);
    },
  );

  it("refuses --host together with --vm", async () => {
    const result = await runKforge(["watch", "--host", "--vm", root]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--host and --vm cannot be used together");
  });
});

describe("kforge watch --host with FAKE insmod/rmmod and a --proc-root", () => {
  it("loads providers first, reloads on change with dependents unloaded first, runs the tests on the host, unloads on quit", {
    timeout: 300_000,
  }, async () => {
    const release = kernel612().release;
    const procRoot = createProcRoot("proc-reload", release);
    const project = createWatchProject(root, "reload", {
      "hello.c": helloWithCount(`pr_info("hello: v1\\n");`),
      "provider.c": PROVIDER,
      "consumer.c": CONSUMER,
      Kbuild: "obj-m := hello.o provider.o consumer.o\n",
      // A vm.test script runs on the host with --host: it sees the (recorded) module table.
      "check.sh": "grep -q '^consumer ' \"$KFORGE_FAKE_PROC/modules\" && echo consumer is loaded\n",
      "kforge.json": JSON.stringify({ vm: { test: ["check.sh"] }, params: { hello: { count: 3 } } }),
    });
    const dir = project.dir;
    const watch = startFakeWatch(project, procRoot);
    try {
      const ready = await watch.waitFor((event) => event.event === "ready", 0);
      // With --host and no --kernel, the build is for the running (recorded) kernel.
      expect(watch.events[ready]).toMatchObject({ mode: "host", release });
      let at = await watch.waitFor((event) => event.event === "test", ready, 180_000);
      expect((watch.events[at] as Extract<WatchEvent, { event: "test" }>).step).toMatchObject({
        name: "sh ./check.sh",
        ok: true,
        output: "consumer is loaded\n",
      });
      const first = watch.events.slice(ready, at);
      expect(moduleEvents(first).filter((entry) => entry.endsWith("provider") || entry.endsWith("consumer"))).toEqual([
        "load provider",
        "load consumer",
      ]);
      expect(first.filter((event) => event.event === "load").every((event) => (event as { ok: boolean }).ok)).toBe(true);
      // The kernel log each insmod caused, with the explanations `kforge load` gives.
      const log = first.find(
        (event) => event.event === "kernel-log" && event.lines.includes("hello: loading out-of-tree module taints kernel."),
      ) as Extract<WatchEvent, { event: "kernel-log" }> | undefined;
      expect(log?.explanations.map((entry) => entry.explanation).join("\n")).toContain("normal for a module you built yourself");
      expect(log?.lines.join("\n")).not.toContain("clocksource");
      expect(readFileSync(join(procRoot, "modules"), "utf8")).toMatch(/^provider .*\n(.*\n)*consumer /m);
      // kforge.json params reach insmod.
      expect(readFileSync(join(procRoot, "insmod-args"), "utf8")).toContain("count=3");

      // An edit of hello.c: hello alone goes out and comes back, built from the new source.
      let from = watch.events.length;
      writeFileSync(join(dir, "hello.c"), helloWithCount(`pr_info("hello: v2\\n");`));
      at = await watch.waitFor(loadOf("hello"), from);
      expect(moduleEvents(watch.events.slice(from, at + 1))).toEqual(["unload hello", "load hello"]);
      const change = watch.events.findIndex((event, index) => index >= from && event.event === "change");
      expect(change).toBeGreaterThan(-1);
      expect((watch.events[change] as Extract<WatchEvent, { event: "change" }>).paths).toEqual(["hello.c"]);
      expect(watch.events.slice(from, at).some((event) => event.event === "kernel-log" && event.lines.includes("hello: bye"))).toBe(true);
      expect(readFileSync(join(dir, "hello.ko")).includes("hello: v2")).toBe(true);

      // The provider changes: its consumer goes out first and comes back after it.
      from = watch.events.length;
      writeFileSync(join(dir, "provider.c"), PROVIDER.replace("provider: ready", "provider: ready again"));
      at = await watch.waitFor(loadOf("consumer"), from);
      expect(moduleEvents(watch.events.slice(from, at + 1))).toEqual([
        "unload consumer",
        "unload provider",
        "load provider",
        "load consumer",
      ]);

      from = watch.events.length;
      watch.kill("SIGINT");
      const exit = await watch.exited;
      expect(exit.code).toBe(130);
      // On quit every module is unloaded, dependents first.
      expect(moduleEvents(watch.events.slice(from))).toEqual(["unload consumer", "unload provider", "unload hello"]);
      expect(watch.events.slice(from).every((event) => event.event !== "unload" || event.ok)).toBe(true);
      expect(readFileSync(join(procRoot, "modules"), "utf8")).toBe("");
      expect(leftoverProcesses(`M=${dir}`)).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });

  it("waits for the make lock saying so on stderr, refuses a module built for another kernel with the load diagnosis, and keeps watching", {
    timeout: 200_000,
  }, async () => {
    const procRoot = createProcRoot("proc-mismatch", kernel612().release);
    const project = createWatchProject(root, "mismatch", { "hello.c": hello(`pr_info("hello: v1\\n");`), Kbuild: "obj-m := hello.o\n" });
    const dir = project.dir;
    // The make lock held by a live process (this test, standing in for a manual kforge build): the
    // first cycle waits and says so on stderr, and builds once the lock is released.
    const lock = makeLockPath(dir);
    mkdirSync(dirname(lock), { recursive: true });
    writeFileSync(lock, `${process.pid}\n`);
    const watch = startFakeWatch(project, procRoot, ["--kernel", kernel61().release]);
    try {
      const deadline = Date.now() + 60_000;
      while (!watch.stderr.includes("waiting") && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(watch.stderr).toContain(`kforge: waiting: kforge process ${process.pid} is running make in this dir (lock ${lock})`);
      expect(watch.events.some((event) => event.event === "build-end")).toBe(false);
      rmSync(lock);
      const at = await watch.waitFor((event) => event.event === "load", 0, 150_000);
      const load = watch.events[at] as Extract<WatchEvent, { event: "load" }>;
      expect(load).toMatchObject({ module: "hello", ok: false, diagnosis: { kind: "vermagic-mismatch" } });
      expect(load.diagnosis!.detail).toMatch(
        new RegExp(`built for ${releasePattern(kernel61().release)} .* the running kernel is ${releasePattern(kernel612().release)}`),
      );
      expect(load.diagnosis!.hint).toContain(`kforge build --kernel ${kernel612().release}`);
      // insmod never ran.
      expect(existsSync(join(procRoot, "insmod-args"))).toBe(false);
      // Still watching: the next save starts another cycle, refused the same way.
      const from = watch.events.length;
      writeFileSync(join(dir, "hello.c"), hello(`pr_info("hello: v2\\n");`));
      await watch.waitFor((event) => event.event === "load" && event.diagnosis?.kind === "vermagic-mismatch", from);
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(readFileSync(join(procRoot, "modules"), "utf8")).toBe("");
    } finally {
      watch.kill("SIGKILL");
    }
  });

  it("loads what its own build made while a kforge build --force beside it removes and relinks the .ko", { timeout: 200_000 }, async () => {
    const procRoot = createProcRoot("proc-race", kernel612().release);
    const project = createWatchProject(root, "race", { "hello.c": hello(`pr_info("hello: v1\\n");`), Kbuild: "obj-m := hello.o\n" });
    // FAKE rmmod that pauses until the test says go (test/fixtures/loader/fake-bin-paused): the window
    // between the watch's build and its load, where the other build starts.
    const watch = new WatchRun(project.dir, ["--host", "--proc-root", procRoot], project.temp, {
      PATH: `${fixturePath("loader/fake-bin-paused")}:${fixturePath("loader/fake-bin")}:${process.env.PATH}`,
      KFORGE_FAKE_PROC: procRoot,
    });
    try {
      await watch.waitFor(loadOf("hello"), 0, 150_000);
      const from = watch.events.length;
      writeFileSync(join(project.dir, "hello.c"), hello(`pr_info("hello: v2\\n");`));
      const deadline = Date.now() + 120_000;
      while (!existsSync(join(procRoot, "rmmod-started")) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const build = runKforge(["build", project.dir, "--force", "--kernel", kernel612().release]);
      while (existsSync(join(project.dir, "hello.ko")) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // The other build removed hello.ko and is relinking it: the watch goes on to load v2.
      writeFileSync(join(procRoot, "rmmod-go"), "");
      const at = await watch.waitFor((event) => event.event === "error" || (event.event === "load" && event.module === "hello"), from);
      expect(watch.events[at]).toMatchObject({ event: "load", module: "hello", ok: true });
      expect((await build).exitCode).toBe(0);
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
      expect(watch.events.filter((event) => event.event === "error")).toEqual([]);
      // The copies it loaded from go with it.
      expect(readdirSync(project.temp)).toEqual([]);
    } finally {
      watch.kill("SIGKILL");
    }
  });

  it("stops an insmod that hangs past --timeout with the init-hang diagnosis, and keeps watching", { timeout: 200_000 }, async () => {
    const procRoot = createProcRoot("proc-hang", kernel612().release);
    const project = createWatchProject(root, "hang", { "hello.c": hello(`pr_info("hello: v1\\n");`), Kbuild: "obj-m := hello.o\n" });
    // FAKE insmod that never returns (test/fixtures/loader/fake-bin-hang): the hung init as insmod sees it.
    const watch = startFakeWatch(project, procRoot, ["--timeout", "3"], "loader/fake-bin-hang");
    try {
      const at = await watch.waitFor((event) => event.event === "load", 0, 150_000);
      const load = watch.events[at] as Extract<WatchEvent, { event: "load" }>;
      expect(load).toMatchObject({ module: "hello", ok: false, diagnosis: { kind: "module-init-hang" } });
      expect(load.diagnosis!.title).toMatch(/^module init never returned: "insmod hello" was still running after \d+\.\d s$/);
      // No guest to reboot on the host: no crash or guest-restart, and the stuck insmod was stopped.
      expect(watch.events.some((event) => event.event === "crash" || event.event === "guest-restart")).toBe(false);
      expect(leftoverProcesses("sleep 86399")).toBe("");
      const from = watch.events.length;
      writeFileSync(join(project.dir, "hello.c"), hello(`pr_info("hello: v2\\n");`));
      await watch.waitFor((event) => event.event === "load" && event.diagnosis?.kind === "module-init-hang", from);
      watch.kill("SIGINT");
      expect((await watch.exited).code).toBe(130);
    } finally {
      watch.kill("SIGKILL");
    }
  });
});
