// Where checkpatch.pl and the semantic patches come from, on real directory layouts in a temp dir: the
// tree named explicitly, then kforge's cache (the kernel's own series first), then the kernel tree itself.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findKernelScripts, sourcePackageFor } from "../../src/check/kernel-scripts.js";
import { UsageError } from "../../src/errors.js";

const root = mkdtempSync(join(tmpdir(), "kforge-kernel-scripts-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const env = { XDG_CACHE_HOME: join(root, "cache") };
const sources = join(root, "cache", "kforge", "sources");

function sourceTree(dir: string): string {
  mkdirSync(join(dir, "scripts", "coccinelle"), { recursive: true });
  writeFileSync(join(dir, "scripts", "checkpatch.pl"), "#!/usr/bin/perl\n");
  return dir;
}

describe("findKernelScripts", () => {
  const kdir = join(root, "headers");
  mkdirSync(kdir, { recursive: true });
  const request = { release: "6.12.99+deb12-amd64", kdir, cwd: root, env };

  it("finds nothing in an empty cache beside a headers-only tree, and names the package that has them", async () => {
    expect(await findKernelScripts(request)).toBeUndefined();
    expect(sourcePackageFor(request.release)).toBe("linux-source-6.12");
  });

  it("takes the kernel tree when it is a source tree, a cached source before it, the kernel's own series first", async () => {
    sourceTree(kdir);
    expect(await findKernelScripts(request)).toEqual({ dir: kdir, origin: `the kernel tree ${kdir}` });
    sourceTree(join(sources, "linux-source-6.1"));
    expect((await findKernelScripts(request))?.origin).toBe("linux-source-6.1 in kforge's cache");
    sourceTree(join(sources, "linux-source-6.12"));
    expect(await findKernelScripts(request)).toEqual({
      dir: join(sources, "linux-source-6.12"),
      origin: "linux-source-6.12 in kforge's cache",
    });
  });

  it("uses the tree named by --source above all, and refuses one without checkpatch.pl", async () => {
    const mine = sourceTree(join(root, "my-linux"));
    expect(await findKernelScripts({ ...request, source: "my-linux" })).toEqual({ dir: mine, origin: mine });
    await expect(findKernelScripts({ ...request, source: "headers/scripts" })).rejects.toThrow(UsageError);
  });
});
