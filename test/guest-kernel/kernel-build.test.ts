// `kforge kernel build` through the real CLI. Registration and the no-op rerun run against a copy of
// the debug kernel's build dir that scripts/setup.sh built (a real incremental make over it, then
// modules_install and registration in a private cache); bad input must fail clearly and leave nothing.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readVermagic } from "../../src/module/modinfo.js";
import { runKforge } from "../helpers/cli.js";
import { debugKernel } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-kernel-build-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const shared = debugKernel();
const sharedSource = readlinkSync(join(shared.kdir, "source"));
const cache = join(root, "cache");
const env = { XDG_CACHE_HOME: cache };
const releaseDir = join(cache, "kforge", "kernels", shared.release);
const kdir = join(releaseDir, "build");

const kernelBuild = (args: string[], extraEnv: Record<string, string> = env) =>
  runKforge(["kernel", "build", ...args], { env: extraEnv, timeoutMs: 900_000 });

describe("kforge kernel build on the debug kernel's tree", () => {
  it("makes, installs the modules and registers the release in the layout kforge vm reads; a rerun is a no-op", {
    timeout: 900_000,
  }, async () => {
    mkdirSync(releaseDir, { recursive: true });
    // Only the build dir, as an interrupted build would leave it: no boot/ and no lib/modules yet.
    execFileSync("cp", ["-a", shared.kdir, kdir]);
    const first = await kernelBuild(["--source", sharedSource, "--debug", "--json"]);
    expect(first.exitCode, first.stderr).toBe(0);
    const built = JSON.parse(first.stdout);
    expect(built).toMatchObject({ ok: true, release: shared.release, upToDate: false, kdir });
    expect(built.reason).toMatch(/is missing$/);
    const image = join(releaseDir, "boot", `vmlinuz-${shared.release}`);
    expect(built.image).toBe(image);
    expect(readFileSync(image).equals(readFileSync(join(kdir, "arch/x86/boot/bzImage")))).toBe(true);
    expect(readFileSync(join(releaseDir, "boot", `config-${shared.release}`), "utf8")).toBe(readFileSync(join(kdir, ".config"), "utf8"));
    expect(existsSync(join(releaseDir, "boot", `System.map-${shared.release}`))).toBe(true);
    const modulesDir = join(releaseDir, "lib", "modules", shared.release);
    expect(readFileSync(join(modulesDir, "modules.dep"), "utf8")).toMatch(/\.ko:/);
    expect(readlinkSync(join(modulesDir, "build"))).toBe(kdir);
    const log = readFileSync(built.log, "utf8");
    expect(log).toContain(`make -C ${sharedSource} O=${kdir}`);
    expect(log).toContain("modules_install");
    expect(log).toMatch(/# exit code 0\n/);
    // No leftovers of staging or the lock.
    expect(readdirSync(releaseDir).sort()).toEqual([".kforge", "boot", "build", "lib"]);

    const logTime = statSync(built.log).mtimeMs;
    const second = await kernelBuild(["--source", sharedSource, "--debug"]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toContain(`kernel ${shared.release} is up to date`);
    expect(second.stderr).not.toContain("building bzImage");
    expect(statSync(built.log).mtimeMs).toBe(logTime);
  });

  it("lists the release as kforge-built and debug, prints its config, and builds a module for it with no --kdir", {
    timeout: 300_000,
  }, async () => {
    const kernels = await runKforge(["kernels", "--json"], { env });
    const listed = JSON.parse(kernels.stdout).kernels.find((kernel: { release: string }) => kernel.release === shared.release);
    expect(listed).toMatchObject({ kdir, built: { debug: true }, vmlinuz: join(releaseDir, "boot", `vmlinuz-${shared.release}`) });
    const text = await runKforge(["kernels"], { env });
    expect(text.stdout).toContain(`${shared.release} (kforge-built, debug)`);

    const config = await runKforge(["kernel", "config", shared.release], { env });
    expect(config.stdout).toBe(readFileSync(join(kdir, ".config"), "utf8"));
    expect(config.stdout).toContain("CONFIG_KASAN=y\n");
    const fragment = await runKforge(["kernel", "config", shared.release, "--fragment"], { env });
    expect(fragment.stdout).toBe(readFileSync(join(kdir, "kforge.config"), "utf8"));

    const dir = join(root, "hello");
    expect((await runKforge(["new", "hello", "--dir", dir, "--author", "kforge tests"])).exitCode).toBe(0);
    const build = await runKforge(["build", dir, "--kernel", shared.release, "--json"], { env });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(JSON.parse(build.stdout).kernels[0]).toMatchObject({ release: shared.release, kdir, ok: true });
    expect((await readVermagic(join(dir, "hello.ko")))!.split(" ")[0]).toBe(shared.release);
  });
});

describe("kforge kernel build with bad input", () => {
  const emptyCache = () => mkdtempSync(join(root, "empty-"));
  // An empty sources/ folder may stay; nothing in it, and no kernels/.
  const leftovers = (home: string) =>
    existsSync(join(home, "kforge"))
      ? readdirSync(join(home, "kforge"), { recursive: true })
          .map(String)
          .filter((entry) => entry !== "sources")
      : [];

  it("says a version Debian has no source package for, and leaves nothing behind", async () => {
    const home = emptyCache();
    const result = await kernelBuild(["9.99", "--debug"], { XDG_CACHE_HOME: home });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/apt-get download linux-source-9\.99 failed: .*linux-source-9\.99/);
    expect(result.stderr).toMatch(/hint: .*--source/);
    expect(leftovers(home)).toEqual([]);
  });

  it("refuses a source dir and a tarball that are not kernels, and a file that is no tarball", async () => {
    const home = emptyCache();
    const notKernel = join(root, "not-a-kernel");
    mkdirSync(notKernel, { recursive: true });
    writeFileSync(join(notKernel, "Makefile"), "all:\n\techo hi\n");
    const fromDir = await kernelBuild(["--source", notKernel], { XDG_CACHE_HOME: home });
    expect(fromDir.exitCode).toBe(2);
    expect(fromDir.stderr).toContain(`${notKernel} is not a kernel source tree`);

    const tarball = join(root, "linux-9.99.tar.gz");
    execFileSync("tar", ["-czf", tarball, "-C", root, "not-a-kernel"]);
    const fromTarball = await kernelBuild(["--source", tarball], { XDG_CACHE_HOME: home });
    expect(fromTarball.exitCode).toBe(2);
    expect(fromTarball.stderr).toContain(`${tarball} is not a kernel source tarball`);

    const junk = join(root, "linux-9.98.tar.xz");
    writeFileSync(junk, "not a tarball\n");
    const fromJunk = await kernelBuild(["--source", junk], { XDG_CACHE_HOME: home });
    expect(fromJunk.exitCode).toBe(2);
    expect(fromJunk.stderr).toContain(`tar -xf ${junk} failed`);

    const both = await kernelBuild(["6.12", "--source", notKernel], { XDG_CACHE_HOME: home });
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toContain("not both");
    const neither = await kernelBuild([], { XDG_CACHE_HOME: home });
    expect(neither.exitCode).toBe(2);
    expect(neither.stderr).toContain("needs a version");
    expect(leftovers(home)).toEqual([]);
  });
});
