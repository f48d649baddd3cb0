import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EnvironmentError, UsageError } from "../../src/errors.js";
import { compareReleases, findBuildTrees, parseUtsRelease } from "../../src/kernel/build-tree.js";
import { selectKernel } from "../../src/kernel/select.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

// A build tree that looks real to discovery: Makefile plus the generated release header.
function makeFakeTree(root: string, release: string): string {
  const kdir = join(root, release, "build");
  mkdirSync(join(kdir, "include/generated"), { recursive: true });
  writeFileSync(join(kdir, "Makefile"), "all:\n");
  writeFileSync(join(kdir, "include/generated/utsrelease.h"), `#define UTS_RELEASE "${release}"\n`);
  return kdir;
}

describe("build tree discovery", () => {
  it("reads the release from utsrelease.h", () => {
    expect(parseUtsRelease('#define UTS_RELEASE "6.1.0-850-amd64"\n')).toBe("6.1.0-850-amd64");
    expect(parseUtsRelease("garbage")).toBeUndefined();
  });

  it("orders releases numerically", () => {
    const sorted = ["6.1.0-850-amd64", "6.12.850+deb12-amd64", "6.1.0-9-amd64", "5.10.0-30-amd64"].sort(compareReleases);
    expect(sorted).toEqual(["5.10.0-30-amd64", "6.1.0-9-amd64", "6.1.0-850-amd64", "6.12.850+deb12-amd64"]);
    // The same numbers: the flavour's name decides, the same way in every locale.
    expect(["6.1.0-850-rt-amd64", "6.1.0-850-cloud-amd64", "6.1.0-850-amd64"].sort(compareReleases)).toEqual([
      "6.1.0-850-amd64",
      "6.1.0-850-cloud-amd64",
      "6.1.0-850-rt-amd64",
    ]);
  });

  it("finds the installed Debian build trees, newest first", async () => {
    const trees = await findBuildTrees();
    const releases = trees.map((tree) => tree.release);
    expect(releases).toContain(kernel61().release);
    expect(releases).toContain(kernel612().release);
    expect(releases.indexOf(kernel612().release)).toBeLessThan(releases.indexOf(kernel61().release));
  });

  it("skips directories that are not prepared build trees", async () => {
    const root = mkdtempSync(join(tmpdir(), "kforge-trees-"));
    makeFakeTree(root, "6.5.0-1-test");
    mkdirSync(join(root, "6.6.0-broken/build"), { recursive: true });
    expect((await findBuildTrees(root)).map((tree) => tree.release)).toEqual(["6.5.0-1-test"]);
  });
});

describe("selectKernel", () => {
  it("falls back to the newest build tree with a notice naming both kernels", async () => {
    const selection = await selectKernel({ runningRelease: "6.18.44-not-installed", env: {} });
    expect(selection.release).toBe(kernel612().release);
    expect(selection.notice).toContain("6.18.44-not-installed");
    expect(selection.notice).toContain(kernel612().release);
  });

  it("prefers the running kernel when it has a build tree", async () => {
    const selection = await selectKernel({ runningRelease: kernel61().release, env: {} });
    expect(selection).toEqual({ release: kernel61().release, kdir: kernel61().kdir });
  });

  it("selects --kernel and --kdir, and KDIR from the environment", async () => {
    expect((await selectKernel({ kernel: kernel61().release })).kdir).toBe(kernel61().kdir);
    expect((await selectKernel({ kdir: kernel612().kdir })).release).toBe(kernel612().release);
    expect((await selectKernel({ env: { KDIR: kernel61().kdir } })).release).toBe(kernel61().release);
  });

  it("rejects an uninstalled release, listing the installed ones and the Debian package", async () => {
    const error = await selectKernel({ kernel: "5.99.0-1-amd64" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toContain(kernel61().release);
    expect(error.message).toContain(kernel612().release);
    expect(error.hint).toBe("install its headers: apt-get install linux-headers-5.99.0-1-amd64");
    expect(error.exitCode).toBe(2);
  });

  it("does not suggest a headers package for a name that is no release", async () => {
    const error = await selectKernel({ kernel: "nope" }).catch((caught) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain('"nope" is not a kernel release');
    expect(error.hint).not.toContain("apt-get");
  });

  it("rejects a --kdir that is not a build tree", async () => {
    const error = await selectKernel({ kdir: tmpdir() }).catch((caught) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(/has no Makefile/);
  });

  it("rejects --kernel that contradicts --kdir", async () => {
    await expect(selectKernel({ kdir: kernel61().kdir, kernel: kernel612().release })).rejects.toThrow(/is for 6\.1/);
  });

  it("says how to install headers when there are no build trees at all", async () => {
    const root = mkdtempSync(join(tmpdir(), "kforge-empty-"));
    const error = await selectKernel({ modulesRoot: root, runningRelease: "6.1.0-1-amd64", env: {} }).catch((caught) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.hint).toContain("apt-get install linux-headers-amd64");
  });
});
