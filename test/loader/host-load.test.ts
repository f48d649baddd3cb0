// Host load/unload. The failure path runs for real on this machine (its kernel has no module
// support); the success path uses FAKE insmod/rmmod scripts on PATH (test/fixtures/loader/fake-bin)
// plus a --proc-root holding a recorded-style /proc/modules, osrelease and kmsg dump.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildFixtureModules, type BuiltModules } from "../helpers/build-fixture-modules.js";
import { runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";
import { kernel61, kernel612, releasePattern } from "../helpers/kernels.js";

let built: BuiltModules;
let procRoot: string;
const fakeEnv = () => ({ PATH: `${fixturePath("loader/fake-bin")}:${process.env.PATH}`, KFORGE_FAKE_PROC: procRoot });

beforeAll(() => {
  built = buildFixtureModules(kernel612().kdir, ["provider", "consumer"]);
  // A project dir whose last build is both modules, as kbuild's modules.order lists them.
  writeFileSync(
    join(built.root, "modules.order"),
    `${built.path("consumer").replace(/\.ko$/, ".o")}\n${built.path("provider").replace(/\.ko$/, ".o")}\n`,
  );
});
const procRoots: string[] = [];
afterAll(() => {
  built?.cleanup();
  for (const root of procRoots) rmSync(root, { recursive: true, force: true });
});

function freshProcRoot(release = kernel612().release): string {
  procRoot = mkdtempSync(join(tmpdir(), "kforge-proc-"));
  procRoots.push(procRoot);
  mkdirSync(join(procRoot, "sys/kernel"), { recursive: true });
  writeFileSync(join(procRoot, "sys/kernel/osrelease"), `${release}\n`);
  writeFileSync(join(procRoot, "modules"), "");
  writeFileSync(join(procRoot, "kmsg"), "6,990,2000000,-;clocksource: Switched to clocksource tsc\n");
  return procRoot;
}

describe("real host (no module support)", () => {
  it.skipIf(existsSync("/proc/modules"))("kforge load says the kernel cannot load modules and suggests the VM", async () => {
    const result = await runKforge(["load", built.path("provider")]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("the running kernel cannot load modules");
    expect(result.stderr).toContain("kforge vm");
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

describe("host load with FAKE insmod/rmmod", () => {
  it("loads the last build providers first, passes parameters, prints and explains the kernel log, verifies", async () => {
    freshProcRoot();
    writeFileSync(join(built.root, "kforge.json"), JSON.stringify({ params: { provider: { count: 3, verbose: true } } }));
    const result = await runKforge(["load", "--proc-root", procRoot, "--", "provider.count=5"], { cwd: built.root, env: fakeEnv() });
    expect(result.stderr).toBe("");
    expect(result.exitCode).toBe(0);
    const order = [...result.stdout.matchAll(/^\$ insmod \S+\/(\w+)\.ko/gm)].map((match) => match[1]);
    expect(order).toEqual(["provider", "consumer"]);
    expect(readFileSync(join(procRoot, "insmod-args"), "utf8")).toBe("count=5 verbose=1\n\n");
    expect(result.stdout).toContain("kernel: provider: loading out-of-tree module taints kernel.");
    expect(result.stdout).toContain("-> normal for a module you built yourself");
    expect(result.stdout).not.toContain("clocksource");
    expect(result.stdout).toContain("ok consumer is Live");
  });

  it("unloads in reverse order and verifies they are gone", async () => {
    const result = await runKforge(["unload", "--proc-root", procRoot], { cwd: built.root, env: fakeEnv() });
    expect(result.exitCode).toBe(0);
    expect([...result.stdout.matchAll(/^\$ rmmod (\w+)/gm)].map((match) => match[1])).toEqual(["consumer", "provider"]);
    expect(readFileSync(join(procRoot, "modules"), "utf8")).toBe("");
  });

  it("a second load fails with the already-loaded diagnosis", async () => {
    await runKforge(["load", built.path("provider"), "--proc-root", procRoot], { env: fakeEnv() });
    const result = await runKforge(["load", built.path("provider"), "--proc-root", procRoot], { env: fakeEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("provider is already loaded");
    expect(result.stderr).toContain("kforge reload");
  });

  it("refuses a module built for another kernel, naming both", async () => {
    freshProcRoot(kernel61().release);
    const result = await runKforge(["load", built.path("provider"), "--proc-root", procRoot], { env: fakeEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`built for ${releasePattern(kernel612().release)} .* the running kernel is ${releasePattern(kernel61().release)}`),
    );
    expect(existsSync(join(procRoot, "insmod-args"))).toBe(false);
    expect(result.stderr).toContain(`hint: rebuild for the running kernel: kforge build --kernel ${kernel61().release}`);
  });

  it("a running kernel without a build tree: say how to get headers, never build for it", async () => {
    freshProcRoot("6.18.44-fc-v669"); // this machine's own kernel: no /lib/modules/<release>/build
    const result = await runKforge(["load", built.path("provider"), "--proc-root", procRoot], { env: fakeEnv() });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toContain("kforge build --kernel 6.18.44-fc-v669");
    expect(result.stderr).toMatch(/hint: the running kernel 6\.18\.44-fc-v669 has no build tree .*install its headers \(.+\).*kforge vm/);
  });
});
