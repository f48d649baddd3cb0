// kforge install / uninstall for real: kbuild's modules_install and depmod into a staging --destdir,
// checked with modinfo -b and the staged modules.dep; compression compared with the kernel's own modules.
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressionFromConfig, compressionFromModulesDep } from "../../src/install/compression.js";
import { readKernelConfig } from "../../src/kernel/kernel-config.js";
import { buildFixtureModules, type BuiltModules } from "../helpers/build-fixture-modules.js";
import { KFORGE_BIN, runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const modinfo = (root: string, release: string, field: string, name: string) =>
  execFileSync("modinfo", ["-b", root, "-k", release, "-F", field, name], { encoding: "utf8" }).trim();

// How the kernel's own modules are compressed: its config, else the in-tree modules.dep.
async function expectedSuffix(kdir: string, release: string): Promise<string> {
  const fromConfig = compressionFromConfig(await readKernelConfig(kdir));
  if (fromConfig !== undefined) return fromConfig;
  const dep = join("/lib/modules", release, "modules.dep");
  return existsSync(dep) ? (compressionFromModulesDep(readFileSync(dep, "utf8")) ?? "") : "";
}

let built61: BuiltModules;
let built612: BuiltModules;
const scratch = mkdtempSync(join(tmpdir(), "kforge-install-test-"));
beforeAll(() => {
  built61 = buildFixtureModules(kernel61().kdir, ["provider"]);
  built612 = buildFixtureModules(kernel612().kdir, ["provider"]);
});
afterAll(() => {
  built61?.cleanup();
  built612?.cleanup();
  rmSync(scratch, { recursive: true, force: true });
});

describe.each([
  ["6.1", () => kernel61(), () => built61],
  ["6.12", () => kernel612(), () => built612],
])("kforge install for %s", (_series, kernel, built) => {
  it(
    "stages the module where modprobe finds it (modprobe -d), " + "compressed like the kernel's own, and uninstall leaves nothing",
    async () => {
      const { release, kdir } = kernel();
      const dir = join(built().root, "provider");
      const destdir = join(scratch, `root-${release}`);
      const install = await runKforge(["install", dir, "-k", release, "--destdir", destdir]);
      expect(install.stderr).toBe("");
      expect(install.exitCode).toBe(0);
      const suffix = await expectedSuffix(kdir, release);
      const file = join(destdir, "lib/modules", release, "updates", `provider.ko${suffix}`);
      expect(install.stdout).toContain(`installed ${file}`);
      expect(modinfo(destdir, release, "filename", "provider")).toBe(file);
      expect(readFileSync(join(destdir, "lib/modules", release, "modules.dep"), "utf8")).toContain(`updates/provider.ko${suffix}:`);
      if (suffix === ".xz") execFileSync("xz", ["-t", file]);
      // modprobe itself resolves the name through the staged modules.dep.
      expect(execFileSync("modprobe", ["-d", destdir, "-S", release, "--show-depends", "provider"], { encoding: "utf8" })).toContain(
        `insmod ${file}`,
      );

      const uninstall = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
      expect(uninstall.exitCode).toBe(0);
      expect(uninstall.stdout).toContain(`removed ${file}`);
      // destdir did not exist before the install.
      expect(existsSync(destdir)).toBe(false);
    },
  );
});

describe("kforge install refusals", () => {
  it("refuses a module built for another release", async () => {
    const result = await runKforge([
      "install",
      join(built61.root, "provider"),
      "-k",
      kernel612().release,
      "--destdir",
      join(scratch, "wrong"),
    ]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`provider.ko was built for ${kernel61().release}, not ${kernel612().release}`);
    expect(existsSync(join(scratch, "wrong"))).toBe(false);
  });

  it("never replaces a file it did not install without --force, and uninstall keeps the rest of the tree", async () => {
    const { release } = kernel61();
    const dir = join(built61.root, "provider");
    const destdir = join(scratch, "foreign");
    const target = join(destdir, "lib/modules", release, "extra", "provider.ko");
    mkdirSync(join(target, ".."), { recursive: true });
    writeFileSync(target, "someone else's module");
    const refused = await runKforge(["install", dir, "-k", release, "--destdir", destdir, "--mod-dir", "extra"]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`${target} exists and was not installed by kforge`);
    expect(readFileSync(target, "utf8")).toBe("someone else's module");

    const forced = await runKforge(["install", dir, "-k", release, "--destdir", destdir, "--mod-dir", "extra", "--force"]);
    expect(forced.exitCode).toBe(0);
    expect(modinfo(destdir, release, "filename", "provider")).toBe(target);
    // A reinstall over kforge's own file needs no --force.
    expect((await runKforge(["install", dir, "-k", release, "--destdir", destdir, "--mod-dir", "extra"])).exitCode).toBe(0);

    expect((await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(destdir, "lib/modules", release, "modules.dep"))).toBe(true);
    const again = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toContain("kforge installed nothing");
  });

  it("uninstall removes only files where install writes that still hold what it wrote; an older manifest is refused", async () => {
    const { release } = kernel61();
    const dir = join(built61.root, "provider");
    const destdir = join(scratch, "tampered");
    const manifest = join(dir, ".kforge", "installed.json");
    expect((await runKforge(["install", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
    const installed = JSON.parse(readFileSync(manifest, "utf8")) as { files: { path: string; sha256: string }[] }[];
    const module = installed[0]!.files[0]!;
    expect(module.sha256).toMatch(/^[0-9a-f]{64}$/);
    // The manifest lives in the project: anyone may have edited it. Files outside the install root,
    // even with the right hash, or reached through "..", are refused, and nothing is removed.
    const victim = join(scratch, "victim.txt");
    writeFileSync(victim, "not kforge's");
    const victimHash = createHash("sha256").update("not kforge's").digest("hex");
    const outside = [victim, join(destdir, "lib/modules", release, "../../../../victim.txt")].map((path) => ({ path, sha256: victimHash }));
    writeFileSync(manifest, JSON.stringify([{ ...installed[0], files: [module, ...outside] }]));
    const refused = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain(`kforge uninstall removed nothing: ${victim} is not where kforge install writes under ${destdir}`);
    expect(refused.stderr).not.toContain("internal error");
    expect(readFileSync(victim, "utf8")).toBe("not kforge's");
    expect(existsSync(module.path)).toBe(true);

    // An installed file that changed since is not kforge's to remove either.
    writeFileSync(manifest, JSON.stringify(installed));
    const original = readFileSync(module.path);
    writeFileSync(module.path, Buffer.concat([original, Buffer.from("edited")]));
    const changed = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(changed.exitCode).toBe(2);
    expect(changed.stderr).toContain(`${module.path} changed since kforge installed it`);
    expect(existsSync(module.path)).toBe(true);
    writeFileSync(module.path, original);

    // A manifest of an older kforge (plain paths, no hashes): refused with the way out, which works.
    writeFileSync(manifest, JSON.stringify([{ ...installed[0], files: [module.path] }]));
    const old = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(old.exitCode).toBe(2);
    expect(old.stderr).toContain("was written by an older kforge and records no content hash");
    expect(old.stderr).toContain(`hint: run kforge install again with the same --kernel and --destdir ${destdir}`);
    expect((await runKforge(["install", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
    const uninstall = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(uninstall.exitCode).toBe(0);
    expect(existsSync(module.path)).toBe(false);

    // A damaged manifest is an error that says what to do, not a stack trace.
    writeFileSync(manifest, "{ not json");
    const damaged = await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir]);
    expect(damaged.exitCode).toBe(2);
    expect(damaged.stderr).toContain(`${manifest} is damaged (not JSON)`);
    rmSync(manifest);
  });

  it("--autoload writes modules-load.d and modprobe.d from kforge.json params, and uninstall removes them", async () => {
    const { release } = kernel61();
    const dir = join(built61.root, "provider");
    const destdir = join(scratch, "autoload");
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ params: { provider: { count: 3, verbose: true } } }));
    try {
      const result = await runKforge(["install", dir, "-k", release, "--destdir", destdir, "--autoload"]);
      expect(result.exitCode).toBe(0);
      expect(readFileSync(join(destdir, "etc/modules-load.d/provider.conf"), "utf8")).toMatch(/^provider$/m);
      expect(readFileSync(join(destdir, "etc/modprobe.d/provider.conf"), "utf8")).toMatch(/^options provider count=3 verbose=y$/m);
      expect((await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
      expect(existsSync(join(destdir, "etc/modules-load.d/provider.conf"))).toBe(false);
      expect(existsSync(join(destdir, "etc/modprobe.d/provider.conf"))).toBe(false);
    } finally {
      rmSync(join(dir, "kforge.json"));
    }
  });
});

// A checkout's module folder is often called driver/ or src/: the autoload files take the package's
// name (kforge.json, then dkms.conf), else the one module's, never the folder's.
describe("kforge install --autoload naming", () => {
  it("names the files after the module, then dkms.conf's PACKAGE_NAME, then kforge.json's package.name", async () => {
    const { release, kdir } = kernel61();
    const dir = join(scratch, "driver");
    mkdirSync(dir);
    cpSync(fixturePath("module/src/provider"), dir, { recursive: true });
    execFileSync("make", ["-s", "-C", kdir, `M=${dir}`, "modules"], { stdio: "pipe" });
    const destdir = join(scratch, "autoload-naming");
    const install = async () => {
      const result = await runKforge(["install", dir, "-k", release, "--destdir", destdir, "--autoload", "--force"]);
      expect(result.exitCode, result.stderr).toBe(0);
      return readdirSync(join(destdir, "etc/modules-load.d"));
    };
    expect(await install()).toEqual(["provider.conf"]);
    expect((await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
    writeFileSync(join(dir, "dkms.conf"), 'PACKAGE_NAME="acme-provider"\nPACKAGE_VERSION="1.0"\n');
    expect(await install()).toEqual(["acme-provider.conf"]);
    expect((await runKforge(["uninstall", dir, "-k", release, "--destdir", destdir])).exitCode).toBe(0);
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ package: { name: "acme" } }));
    expect(await install()).toEqual(["acme.conf"]);
  });
});

// The CLI as the unprivileged user nobody, through setpriv; skipped where the suite is not root or
// that user cannot read the checkout.
const NOBODY = ["--reuid", "65534", "--regid", "65534", "--clear-groups"];
const canDropRoot =
  process.getuid?.() === 0 &&
  spawnSync("setpriv", [...NOBODY, process.execPath, "-e", `require("fs").accessSync(${JSON.stringify(KFORGE_BIN)})`]).status === 0;
if (!canDropRoot)
  console.warn("unprivileged install skipped: needs root to drop to uid 65534 with setpriv, and a checkout that user can read");

describe.skipIf(!canDropRoot)("kforge install without root", () => {
  it("stages into a --destdir as an unprivileged user, and uninstalls again", () => {
    const { release } = kernel61();
    const dir = join(built61.root, "provider");
    const stage = mkdtempSync(join(tmpdir(), "kforge-install-nobody-"));
    try {
      for (const folder of [built61.root, stage]) chmodSync(folder, 0o755);
      execFileSync("chown", ["-R", "65534:65534", dir, stage]);
      const destdir = join(stage, "root");
      const asNobody = (command: string) =>
        spawnSync(
          "setpriv",
          [...NOBODY, "env", `HOME=${stage}`, process.execPath, KFORGE_BIN, command, dir, "-k", release, "--destdir", destdir],
          { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
        );
      const install = asNobody("install");
      expect(install.status, install.stderr).toBe(0);
      const file = join(destdir, "lib/modules", release, "updates", "provider.ko");
      expect(statSync(file).uid).toBe(65534);
      expect(modinfo(destdir, release, "filename", "provider")).toBe(file);
      const uninstall = asNobody("uninstall");
      expect(uninstall.status, uninstall.stderr).toBe(0);
      expect(existsSync(destdir)).toBe(false);
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  });
});

describe("compression parsers", () => {
  it("reads the config's choice and the in-tree suffix", () => {
    expect(compressionFromConfig(new Map([["CONFIG_MODULE_COMPRESS_ZSTD", "y"]]))).toBe(".zst");
    expect(compressionFromConfig(new Map([["CONFIG_MODULE_COMPRESS_NONE", "y"]]))).toBe("");
    expect(compressionFromConfig(new Map())).toBeUndefined();
    expect(compressionFromModulesDep("kernel/fs/fat/fat.ko.gz:\nkernel/fs/vfat.ko.gz: kernel/fs/fat/fat.ko.gz\n")).toBe(".gz");
    expect(compressionFromModulesDep("kernel/fs/fat/fat.ko:\n")).toBe("");
    expect(compressionFromModulesDep("")).toBeUndefined();
  });
});
