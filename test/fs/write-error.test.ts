// kforge's folders on real small file systems: a read-only or full kforge cache turns the caches off
// with a notice (builds and guests still run), and a read-only or full module dir is an exit-2 error
// naming the folder, with nothing left behind.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { fillDisk, mountTmpfs, remountReadOnly, unmountAll } from "../helpers/mounts.js";
import { moduleSource } from "../kbuild/modules.js";

const root = mkdtempSync(join(tmpdir(), "kforge-write-error-"));
afterAll(() => {
  unmountAll();
  rmSync(root, { recursive: true, force: true });
});
const on61 = ["--kernel", kernel61().release];
const module = { Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") };

function writeModule(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(module)) writeFileSync(join(dir, name), text);
  return dir;
}

// A read-only kforge cache that still sees the shared kernel images (linked in before the remount).
function readOnlyCache(name: string): string {
  const cache = mountTmpfs(join(root, name), "size=1m");
  mkdirSync(join(cache, "kforge"));
  const shared = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");
  symlinkSync(shared, join(cache, "kforge", "kernels"));
  remountReadOnly(cache);
  return cache;
}

describe("kforge's folders on a read-only or full file system", () => {
  it("builds and boots without the caches when the cache is read-only, saying so", { timeout: 200_000 }, async () => {
    const cache = readOnlyCache("ro-cache");
    const dir = writeModule(join(root, "with-ro-cache"));
    const build = await runKforge(["build", dir, ...on61], { env: { XDG_CACHE_HOME: cache } });
    expect(build.exitCode, build.stderr).toBe(0);
    expect(build.stderr).toContain(
      `kforge: cannot write kforge's cache in ${join(cache, "kforge")} (EROFS): building without the compiler-probe cache`,
    );
    const vm = await runKforge(["vm", dir, ...on61, "--accel", "tcg", "--json"], { env: { XDG_CACHE_HOME: cache }, timeoutMs: 150_000 });
    expect(vm.exitCode, vm.stderr).toBe(0);
    expect(JSON.parse(vm.stdout)).toMatchObject({ ok: true, start: "booted" });
    expect(vm.stderr).toContain(
      `cannot write kforge's cache in ${join(cache, "kforge")} (EROFS): booting cold, without saved guest states`,
    );
    expect(vm.stderr).not.toContain("internal error");
  });

  it("refuses to build in a read-only module dir with an exit-2 error naming it", async () => {
    const dir = writeModule(mountTmpfs(join(root, "ro-module"), "size=1m"));
    remountReadOnly(dir);
    const build = await runKforge(["build", dir, ...on61]);
    expect(build.exitCode).toBe(2);
    expect(build.stderr).toBe(
      `kforge: error: read-only file system: ${join(dir, ".kforge", "locks")}\n` +
        `hint: make it writable (and readable) for you, or work on a copy in a folder you own\n`,
    );
  });

  it("says that the disk is full, naming the module dir's folder, and leaves no lock file", async () => {
    const dir = writeModule(mountTmpfs(join(root, "full-module"), "size=64k"));
    fillDisk(dir);
    const build = await runKforge(["build", dir, ...on61]);
    expect(build.exitCode).toBe(2);
    expect(build.stderr).toContain(`kforge: error: no space left on device in ${join(dir, ".kforge", "locks")}`);
    expect(readdirSync(dir).filter((name) => !name.startsWith("filler-"))).toEqual(["Kbuild", "hello.c"]);
  });
});
