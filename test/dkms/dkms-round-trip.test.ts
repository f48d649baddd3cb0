// Debian's real dkms with a dkms.conf from kforge dkms init: add, build for the 6.1 headers, install
// into the real /var/lib/dkms and /lib/modules, then remove; and a kforge.json version gate that
// excludes the 6.1 kernel, which dkms 3.0.10 honours only as BUILD_EXCLUSIVE_KERNEL. Needs root and
// dkms; skipped with a message otherwise.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildFixtureModules } from "../helpers/build-fixture-modules.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const canRun = process.getuid?.() === 0 && spawnSync("dkms", ["--version"]).status === 0;
if (!canRun) console.warn("dkms round trip skipped: needs root and Debian's dkms package (apt-get install dkms)");
const version = `0.0.${process.pid}`;
const PACKAGES = ["kforge-dkms-test", "kforge-dkms-gate-test"];
const sourceOf = (name: string) => join("/usr/src", `${name}-${version}`);
const dkms = (...args: string[]) => execFileSync("dkms", args, { encoding: "utf8", stdio: "pipe" });
// dkms makes its own signing key on first use; remove it only if this test caused it.
const mokExisted = existsSync("/var/lib/dkms/mok.key");
// dkms install and remove run depmod, which leaves modules.dep and friends in a headers-only
// /lib/modules/<release>; kforge vm would then take that empty modules.dep for the release's
// modules tree. What depmod and dkms add there is removed again.
const modulesDir = join("/lib/modules", kernel61().release);
const entriesBefore = new Set(canRun ? readdirSync(modulesDir) : []);

function restoreModulesDir(): void {
  for (const name of readdirSync(modulesDir)) {
    if (!entriesBefore.has(name) && /^modules\./.test(name)) rmSync(join(modulesDir, name), { force: true });
  }
  for (const folder of ["updates/dkms", "updates"]) {
    if (!entriesBefore.has("updates")) removeIfEmpty(join(modulesDir, folder));
  }
}

function removeIfEmpty(folder: string): void {
  if (existsSync(folder) && readdirSync(folder).length === 0) rmdirSync(folder);
}

afterAll(() => {
  if (!canRun) return;
  for (const name of PACKAGES) {
    spawnSync("dkms", ["remove", `${name}/${version}`, "--all"]);
    rmSync(sourceOf(name), { recursive: true, force: true });
  }
  if (!mokExisted) for (const file of ["mok.key", "mok.pub"]) rmSync(join("/var/lib/dkms", file), { force: true });
  restoreModulesDir();
});

// kforge dkms init on a freshly built provider module, copied to /usr/src/<name>-<version>.
async function addPackage(name: string, gates: object): Promise<void> {
  const built = buildFixtureModules(kernel61().kdir, ["provider"]);
  try {
    const dir = join(built.root, "provider");
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ package: { name, version }, gates }));
    expect((await runKforge(["dkms", "init", dir])).exitCode).toBe(0);
    cpSync(dir, sourceOf(name), { recursive: true });
  } finally {
    built.cleanup();
  }
  dkms("add", `${name}/${version}`);
}

describe.skipIf(!canRun)("dkms round trip", () => {
  const { release } = kernel61();
  const [major, minor] = release.split(".").map(Number) as [number, number];

  it("adds, builds, installs and removes the generated package, its version gate admitting the kernel", async () => {
    await addPackage("kforge-dkms-test", { minKernel: `${major}.${minor}`, maxKernel: `${major}.${minor}` });
    dkms("build", `kforge-dkms-test/${version}`, "-k", release);
    dkms("install", `kforge-dkms-test/${version}`, "-k", release);
    const installed = execFileSync("modinfo", ["-k", release, "-F", "filename", "provider"], { encoding: "utf8" }).trim();
    expect(installed).toMatch(/^\/lib\/modules\/.*\/updates\/dkms\/provider\.ko/);
    dkms("remove", `kforge-dkms-test/${version}`, "--all");
    expect(existsSync(installed)).toBe(false);
    expect(existsSync(join("/var/lib/dkms", "kforge-dkms-test"))).toBe(false);
  });

  it("skips a kernel the version gate excludes: dkms build exits 77 and says so", async () => {
    await addPackage("kforge-dkms-gate-test", { minKernel: `${major}.${minor + 1}` });
    const build = spawnSync("dkms", ["build", `kforge-dkms-gate-test/${version}`, "-k", release], { encoding: "utf8" });
    expect(build.status, build.stdout + build.stderr).toBe(77);
    expect(build.stdout + build.stderr).toContain("includes a BUILD_EXCLUSIVE directive which does not match this kernel");
    expect(existsSync(join("/var/lib/dkms", "kforge-dkms-gate-test", version, release))).toBe(false);
  });
});
