// `kforge kernel fetch`: the set-up command fetched 6.1 (and its arm64 and armmp flavours) into the
// default cache for real (apt-get download + dpkg-deb -x + depmod -b); these tests check that result and
// the error paths.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { parseDebianRelease } from "../../src/kernel/architecture.js";
import { parseElf } from "../../src/module/elf.js";
import { foreignKernel61, kernel61 } from "../helpers/kernels.js";

const emptyCache = mkdtempSync(join(tmpdir(), "kforge-fetch-cache-"));
afterAll(() => rmSync(emptyCache, { recursive: true, force: true }));

describe("kforge kernel fetch", () => {
  it("has put 6.1's image and a depmod-indexed modules tree into the cache, and does not fetch it twice", async () => {
    const { release } = kernel61();
    const result = await runKforge(["kernel", "fetch", release, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const fetched = JSON.parse(result.stdout);
    expect(fetched).toMatchObject({ ok: true, release, alreadyCached: true });
    expect(readFileSync(fetched.image).subarray(0x202, 0x206).toString("latin1")).toBe("HdrS"); // a bzImage
    const modulesDep = readFileSync(join(fetched.modulesDir, "modules.dep"), "utf8");
    expect(modulesDep).toMatch(/^kernel\/drivers\/virtio\/virtio\.ko:/m);
    expect(existsSync(join(fetched.modulesDir, "modules.symbols"))).toBe(true);
  });

  it("rejects a release that is no package, says how to find one, and leaves no partial download", async () => {
    const result = await runKforge(["kernel", "fetch", "6.1.0-9999-amd64"], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("apt-get download linux-image-6.1.0-9999-amd64 failed");
    expect(result.stderr).toContain("hint: check the release name (apt-cache search linux-image-6.1.0");
    expect(readdirSync(join(emptyCache, "kforge", "kernels"))).toEqual([]);
  });

  it("rejects a name that is not a release before running anything", async () => {
    const result = await runKforge(["kernel", "fetch", "../../etc"], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"../../etc" is not a kernel release name');
    // Names that are paths of the cache itself, or too long to be a file name.
    const dots = await runKforge(["kernel", "fetch", ".."], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(dots.exitCode).toBe(2);
    expect(dots.stderr).toContain('".." is not a kernel release name');
    const long = await runKforge(["kernel", "fetch", `6.1.${"a".repeat(5000)}`], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(long.exitCode).toBe(2);
    expect(long.stderr).toBe(
      `kforge: error: "6.1.aaaaaaaaaaaaaaaaaaaa..." (5004 characters) is not a kernel ` +
        `release: a release has at most 64 characters\nhint: use a release like 6.1.0-56-amd64\n`,
    );
  });
});

// The Debian arm64 and armmp kernels scripts/setup.sh fetched for the installed 6.1 (`kforge kernel fetch
// <release>` with the -amd64 flavour swapped): headers made buildable from this machine, image, modules,
// a static busybox of that architecture, and nothing installed system-wide.
describe.each([
  ["arm64", "arm64", 183, (image: Buffer) => image.subarray(0x38, 0x3c).toString("latin1") === "ARM\x64"],
  ["armmp", "arm", 40, (image: Buffer) => image.readUInt32LE(0x24) === 0x016f2818],
] as const)("kforge kernel fetch of the %s release", (flavour, arch, machine, isImage) => {
  it("has put a buildable tree, image, modules and busybox into the cache, with this machine's kbuild, once", async () => {
    const { release, kdir } = foreignKernel61(flavour);
    const result = await runKforge(["kernel", "fetch", release, "--json"]);
    expect(result.exitCode, result.stderr).toBe(0);
    const fetched = JSON.parse(result.stdout);
    expect(fetched).toMatchObject({ ok: true, release, arch, alreadyCached: true, buildDir: kdir });
    expect(fetched.kbuild).toMatchObject({ package: "linux-kbuild-6.1", source: "host", hostDir: "/usr/lib/linux-kbuild-6.1" });
    expect(isImage(readFileSync(fetched.image))).toBe(true);
    expect(readFileSync(join(fetched.modulesDir, "modules.dep"), "utf8")).toMatch(/^kernel\/drivers\/virtio\/\S+\.ko:/m);
    expect(parseElf(readFileSync(fetched.busybox)).machine).toBe(machine);
    expect(realpathSync(join(kdir, "scripts"))).toBe("/usr/lib/linux-kbuild-6.1/scripts");
    expect(realpathSync(join(fetched.modulesDir, "build"))).toBe(realpathSync(kdir));
    expect(readFileSync(join(kdir, "Makefile"), "utf8")).not.toContain("/usr/src/");
    expect(spawnSync("dpkg-query", ["-W", `linux-headers-${release}`, `linux-image-${release}`]).status).not.toBe(0);
    expect(existsSync(join("/lib/modules", release))).toBe(false);
  });
});

describe("kforge kernel fetch of other architectures' names", () => {
  const version = () => parseDebianRelease(kernel61().release)!.version;

  it("resolves a meta package name (linux-headers-armmp) to the release Debian publishes now", async () => {
    const result = await runKforge(["kernel", "fetch", "linux-headers-armmp", "--json"], { timeoutMs: 600_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).release).toMatch(/^6\.1\.0-\d+-armmp$/);
  }, 600_000);

  it("refuses a port kforge does not build for, before downloading anything", async () => {
    const result = await runKforge(["kernel", "fetch", `${version()}-riscv64`], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("is for Debian's riscv64 port, and kforge fetches and builds for amd64, arm64, armhf kernels only");
    expect(result.stderr).toContain("hint: releases kforge fetches end in -amd64,");
  });

  it("says Debian publishes no such arm64 release, and leaves nothing behind", async () => {
    const result = await runKforge(["kernel", "fetch", "6.1.0-9999-arm64"], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("Debian's arm64 packages (as apt last saw them) have no linux-headers-6.1.0-9999-arm64");
    expect(result.stderr).toContain("hint: list the published ones with apt-cache search --names-only '^linux-headers-6.1.0-9999-'");
    expect(readdirSync(join(emptyCache, "kforge", "kernels"))).toEqual([]);
  });
});

// Stand-ins for machines this one cannot become without changing the system for everyone on it: each
// script answers one question differently and passes everything else to the real tool.
function fakeTools(scripts: Record<string, string>): string {
  const bin = mkdtempSync(join(tmpdir(), "kforge-fetch-fake-"));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\nexec /usr/bin/${name} "$@"\n`);
    chmodSync(join(bin, name), 0o755);
  }
  return bin;
}

describe("kforge kernel fetch on machines set up differently", () => {
  const fakes: string[] = [];
  afterAll(() => {
    for (const dir of fakes) rmSync(dir, { recursive: true, force: true });
  });
  const withFakes = (scripts: Record<string, string>) => {
    fakes.push(fakeTools(scripts));
    return { PATH: `${fakes.at(-1)}:${process.env.PATH}`, XDG_CACHE_HOME: emptyCache };
  };
  const release = () => `${parseDebianRelease(kernel61().release)!.version}-armmp-lpae`;

  it("says how to enable an architecture apt does not fetch (dpkg without foreign architectures)", async () => {
    const env = withFakes({ dpkg: '[ "$1" = --print-foreign-architectures ] && exit 0' });
    const result = await runKforge(["kernel", "fetch", release()], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("is an armhf kernel, and apt on this machine does not fetch armhf packages");
    expect(result.stderr).toContain(
      "hint: enable them once, as root (this installs nothing): dpkg --add-architecture armhf && apt-get update",
    );
  });

  it("stops when no kbuild of the headers' version can run here (no linux-kbuild installed, none in the archive)", async () => {
    const env = withFakes({
      "dpkg-query": 'case "$*" in *linux-kbuild-*) exit 1;; esac',
      "apt-get":
        `case "$*" in *linux-kbuild-*) echo "E: Can't find a source to download version '0' of 'linux-kbuild'" >&2; ` + "exit 100;; esac",
    });
    const result = await runKforge(["kernel", "fetch", release()], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(
      /the tree's kbuild helpers are linux-kbuild-6\.1 \S+, built for another machine, and no amd64 linux-kbuild-6\.1/,
    );
    expect(result.stderr).toContain("none is installed; apt-get: E: Can't find a source");
    expect(readdirSync(join(emptyCache, "kforge", "kernels"))).toEqual([]);
  });

  it("fetches this machine's linux-kbuild of the headers' version when none is installed, and the tree builds", async () => {
    const env = withFakes({ "dpkg-query": 'case "$*" in *linux-kbuild-*) exit 1;; esac' });
    const fetched = await runKforge(["kernel", "fetch", release(), "--json"], { env, timeoutMs: 600_000 });
    expect(fetched.exitCode, fetched.stderr).toBe(0);
    const { kbuild, buildDir } = JSON.parse(fetched.stdout);
    expect(kbuild).toMatchObject({ package: "linux-kbuild-6.1", source: "fetched" });
    expect(realpathSync(join(buildDir, "scripts"))).toBe(
      join(realpathSync(emptyCache), "kforge/kernels", release(), "usr/lib/linux-kbuild-6.1/scripts"),
    );
    const dir = mkdtempSync(join(tmpdir(), "kforge-fetch-build-"));
    fakes.push(dir);
    writeFileSync(join(dir, "Kbuild"), "obj-m += lpae.o\n");
    writeFileSync(join(dir, "lpae.c"), '#include <linux/module.h>\nMODULE_LICENSE("GPL");\n');
    const build = await runKforge(["build", dir, "-k", release()], { env: { XDG_CACHE_HOME: emptyCache } });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(parseElf(readFileSync(join(dir, "lpae.ko"))).machine).toBe(40);
  }, 600_000);
});
