// Debian's real dkms with a dkms.conf from kforge dkms init: add, build for the 6.1 headers, install
// into the real /var/lib/dkms and /lib/modules, then remove. Needs root and dkms; skipped with a message otherwise.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { buildFixtureModules } from "../helpers/build-fixture-modules.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const canRun = process.getuid?.() === 0 && spawnSync("dkms", ["--version"]).status === 0;
if (!canRun) console.warn("dkms round trip skipped: needs root and Debian's dkms package (apt-get install dkms)");
const version = `0.0.${process.pid}`;
const source = join("/usr/src", `kforge-dkms-test-${version}`);
const dkms = (...args: string[]) => execFileSync("dkms", args, { encoding: "utf8", stdio: "pipe" });
// dkms makes its own signing key on first use; remove it only if this test caused it.
const mokExisted = existsSync("/var/lib/dkms/mok.key");

afterAll(() => {
  if (!canRun) return;
  spawnSync("dkms", ["remove", `kforge-dkms-test/${version}`, "--all"]);
  rmSync(source, { recursive: true, force: true });
  if (!mokExisted) for (const file of ["mok.key", "mok.pub"]) rmSync(join("/var/lib/dkms", file), { force: true });
});

describe.skipIf(!canRun)("dkms round trip", () => {
  it("adds, builds, installs and removes the generated package", async () => {
    const { release } = kernel61();
    const built = buildFixtureModules(kernel61().kdir, ["provider"]);
    try {
      const dir = join(built.root, "provider");
      writeFileSync(join(dir, "kforge.json"), JSON.stringify({ package: { name: "kforge-dkms-test", version } }));
      expect((await runKforge(["dkms", "init", dir])).exitCode).toBe(0);
      cpSync(dir, source, { recursive: true });
    } finally {
      built.cleanup();
    }
    dkms("add", `kforge-dkms-test/${version}`);
    dkms("build", `kforge-dkms-test/${version}`, "-k", release);
    dkms("install", `kforge-dkms-test/${version}`, "-k", release);
    const installed = execFileSync("modinfo", ["-k", release, "-F", "filename", "provider"], { encoding: "utf8" }).trim();
    expect(installed).toMatch(new RegExp(`^/lib/modules/.*/updates/dkms/provider\\.ko`));
    dkms("remove", `kforge-dkms-test/${version}`, "--all");
    expect(existsSync(installed)).toBe(false);
    expect(existsSync(join("/var/lib/dkms", "kforge-dkms-test"))).toBe(false);
  });
});
