// --debug's choice of kernel: the debug kernel of the selected release's version, found in kforge's
// cache, or a clear error naming the command that builds it. Real build trees, real CLI; no guest.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvironmentError } from "../../src/errors.js";
import { parseMakefileVersion, readKernelVersion } from "../../src/kernel/kernel-version.js";
import { hasKmemleak, resolveDebugRelease } from "../../src/vm/debug-kernel.js";
import { debugKernel, kernel61, kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-debug-kernel-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const emptyCache = { XDG_CACHE_HOME: join(root, "empty-cache") };

describe("the debug kernel for a release", () => {
  it("reads the kernel version from the Makefile, following a Debian headers tree's include", async () => {
    expect(parseMakefileVersion("VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 850\nEXTRAVERSION =\n")).toBe("6.12.850");
    expect(parseMakefileVersion("include /usr/src/linux-headers-6.12.850-common/Makefile\n")).toBeUndefined();
    expect(await readKernelVersion(kernel612().kdir)).toMatch(/^6\.12\.\d+$/);
    // Debian's 6.1 release names say 6.1.0; the Makefile has the real sublevel.
    const version61 = await readKernelVersion(kernel61().kdir);
    expect(version61).toMatch(/^6\.1\.\d+$/);
    expect(version61).not.toBe("6.1.0");
  });

  it("finds the debug kernel built for the stock release's version, else the newest of its series, in the cache", async () => {
    const debug = debugKernel();
    const version = await readKernelVersion(kernel612().kdir);
    // Debian's linux-source can be a point release ahead of the installed headers.
    expect(debug.release).toMatch(/^6\.12\.\d+-kforge-debug$/);
    const resolved = await resolveDebugRelease(kernel612());
    expect(resolved).toMatchObject({ release: debug.release, kdir: debug.kdir });
    expect(resolved.notice.includes("is the same series")).toBe(debug.release !== `${version}-kforge-debug`);
    // A release that is a debug kernel already stays as it is.
    expect(await resolveDebugRelease(debug)).toMatchObject({ release: debug.release, kdir: debug.kdir });
  });

  it("takes the newest debug kernel of the series when none of the exact version is built, never another series", async () => {
    const cache = join(root, "series-cache");
    const kernels = join(cache, "kforge", "kernels");
    for (const release of [
      "6.12.851-kforge-debug",
      "6.12.900-kforge-debug",
      "6.12.901-kforge-debug",
      "6.13.2-kforge-debug",
      "6.12.950-kforge-debug-0a1b2c3d",
    ]) {
      mkdirSync(join(kernels, release, "build"), { recursive: true });
      mkdirSync(join(kernels, release, "boot"), { recursive: true });
      writeFileSync(join(kernels, release, "boot", `vmlinuz-${release}`), "");
    }
    // An interrupted build is not one to boot.
    writeFileSync(join(kernels, "6.12.901-kforge-debug", "build", ".kforge-incomplete"), "1\n");
    const tree = join(root, "stock-6.12.850");
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, "Makefile"), "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 850\nEXTRAVERSION =\n");
    const resolved = await resolveDebugRelease({ release: "6.12.850+deb12-amd64", kdir: tree }, { env: { XDG_CACHE_HOME: cache } });
    expect(resolved).toMatchObject({ release: "6.12.900-kforge-debug", kdir: join(kernels, "6.12.900-kforge-debug", "build") });
    expect(resolved.notice).toContain("none of version 6.12.850 is built");
    writeFileSync(join(tree, "Makefile"), "VERSION = 6\nPATCHLEVEL = 14\nSUBLEVEL = 1\nEXTRAVERSION =\n");
    const error = await resolveDebugRelease({ release: "6.14.1-custom", kdir: tree }, { env: { XDG_CACHE_HOME: cache } }).catch(
      (caught: unknown) => caught,
    );
    expect((error as EnvironmentError).hint).toContain("kforge kernel build 6.14 --debug");
  });

  it("without a builder, fails with an EnvironmentError naming kforge kernel build <major.minor> --debug when none is built", async () => {
    const error = await resolveDebugRelease(kernel612(), { env: emptyCache }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(/no debug kernel 6\.12\.\d+-kforge-debug .*built: none/);
    expect((error as EnvironmentError).hint).toContain("kforge kernel build 6.12 --debug");
  });

  it("scans for leaks only on a kernel built with kmemleak", async () => {
    expect(await hasKmemleak(debugKernel().kdir)).toBe(true);
    expect(await hasKmemleak(kernel612().kdir)).toBe(false);
    expect(await hasKmemleak(kernel61().kdir)).toBe(false);
  });
});
