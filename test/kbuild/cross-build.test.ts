// Cross builds through the CLI against the Debian arm64 and armmp kernels scripts/setup.sh fetched: the
// tree alone sets ARCH and CROSS_COMPILE, a matrix mixes architectures, a second build is a no-op, and
// info, deps, install --destdir, sign and dkms init work on the foreign module. The bad inputs are exit-2
// errors that say what to do, before make runs.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDebianRelease } from "../../src/kernel/architecture.js";
import { parseElf } from "../../src/module/elf.js";
import { runKforge } from "../helpers/cli.js";
import { foreignKernel61, kernel61 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const arm64 = foreignKernel61("arm64");
const armhf = foreignKernel61("armmp");
const native = kernel61();
const scratch = mkdtempSync(join(tmpdir(), "kforge-cross-"));
const dirs: string[] = [];
// The module logs through _printk, so deps has a kernel symbol to find a provider for.
const moduleDir = (name: string, extra: Record<string, string> = {}) => {
  const logging = moduleSource(name).replace("\treturn 0;", `\tpr_info("${name} loaded\\n");\n\treturn 0;`);
  const dir = createModuleDir({ Kbuild: `obj-m += ${name}.o\n`, [`${name}.c`]: logging, ...extra });
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  dirs.forEach(removeDir);
  rmSync(scratch, { recursive: true, force: true });
});

const machineOf = (path: string) => parseElf(readFileSync(path)).machine;

describe("a build for a fetched arm64 kernel", () => {
  // One module, built once, that the commands below inspect, install, sign and describe.
  const dir = moduleDir("xarm", { "kforge.json": JSON.stringify({ package: { version: "1.0" } }) });
  const module = join(dir, "xarm.ko");
  const env = { XDG_DATA_HOME: join(scratch, "data"), KFORGE_SIGN_KEY: undefined, KFORGE_SIGN_CERT: undefined };
  beforeAll(async () => {
    const build = await runKforge(["build", dir, "-k", arm64.release]);
    expect(build.exitCode, build.stderr).toBe(0);
  }, 120_000);

  it("sets ARCH and CROSS_COMPILE from the tree, and the second build is a no-op", async () => {
    const log = readFileSync(join(dir, ".kforge", "logs", arm64.release, "build.log"), "utf8");
    expect(log).toContain("ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-");
    expect(machineOf(module)).toBe(183);
    const again = await runKforge(["build", dir, "-k", arm64.release, "--json"]);
    expect(JSON.parse(again.stdout).kernels[0]).toMatchObject({ ok: true, upToDate: true });
  });

  it("info shows the module's machine, and warns when the selected kernel is of another one", async () => {
    const own = JSON.parse((await runKforge(["info", module, "-k", arm64.release, "--json"])).stdout);
    expect(own).toMatchObject({ architecture: "aarch64", vermagicProblem: null, machineProblem: null });
    const other = JSON.parse((await runKforge(["info", module, "-k", native.release, "--json"])).stdout);
    expect(other.machineProblem).toBe(
      `xarm is built for aarch64, and the kernel is x86_64: loading it would fail with "Invalid module format"`,
    );
  });

  it("deps resolves against the fetched kernel's Module.symvers and modules", async () => {
    const deps = await runKforge(["deps", dir, "-k", arm64.release, "--json"]);
    expect(deps.exitCode, deps.stderr).toBe(0);
    const resolution = JSON.parse(deps.stdout);
    expect(resolution).toMatchObject({ kernel: arm64.release, missing: [], vermagicProblems: [], notes: [] });
    expect(resolution.modules[0].needs.map((need: { provider: { kind: string } }) => need.provider.kind)).toContain("kernel");
  });

  it("installs into a --destdir with depmod, and refuses this machine's /lib/modules", async () => {
    const destdir = join(scratch, "board");
    const install = await runKforge(["install", dir, "-k", arm64.release, "--destdir", destdir]);
    expect(install.exitCode, install.stderr).toBe(0);
    const modulesDep = readFileSync(join(destdir, "lib/modules", arm64.release, "modules.dep"), "utf8");
    expect(modulesDep).toMatch(/^updates\/xarm\.ko(\.\w+)?:/m);
    const system = await runKforge(["install", dir, "-k", arm64.release]);
    expect(system.exitCode).toBe(2);
    expect(system.stderr).toContain(`kernel ${arm64.release} is an arm64 kernel, and this machine is not`);
    expect(system.stderr).toContain("hint: stage them with --destdir <dir>");
    expect(existsSync(join("/lib/modules", arm64.release))).toBe(false);
  });

  it("signs with the tree's sign-file (this machine's kbuild) and dkms init lists the module", async () => {
    expect((await runKforge(["sign", "--generate-key"], { env })).exitCode).toBe(0);
    const sign = await runKforge(["sign", dir, "-k", arm64.release], { env });
    expect(sign.exitCode, sign.stderr).toBe(0);
    expect(execFileSync("modinfo", ["-F", "signer", module], { encoding: "utf8" })).toMatch(/^kforge module signing key/);
    expect(machineOf(module)).toBe(183);
    expect((await runKforge(["dkms", "init", dir])).exitCode).toBe(0);
    expect(readFileSync(join(dir, "dkms.conf"), "utf8")).toContain('BUILT_MODULE_NAME[0]="xarm"');
  });
});

describe("a matrix build across architectures", () => {
  it("builds one module for amd64, arm64 and armhf at once, each for its machine; a rerun is a no-op for all", async () => {
    const dir = moduleDir("xmix");
    const kernels = [native, arm64, armhf].flatMap((kernel) => ["-k", kernel.release]);
    const first = await runKforge(["build", dir, ...kernels, "--json"]);
    expect(first.exitCode, first.stderr).toBe(0);
    const results = JSON.parse(first.stdout).kernels as { release: string; artifacts: { path: string }[] }[];
    const machines = Object.fromEntries(results.map((result) => [result.release, machineOf(result.artifacts[0]!.path)]));
    expect(machines).toEqual({ [native.release]: 62, [arm64.release]: 183, [armhf.release]: 40 });
    const again = JSON.parse((await runKforge(["build", dir, ...kernels, "--json"])).stdout);
    expect(again.kernels.map((kernel: { upToDate: boolean }) => kernel.upToDate)).toEqual([true, true, true]);
  }, 120_000);

  it("leaves fetched kernels of other architectures out of --kernel all", async () => {
    const dir = moduleDir("xall", { "kforge.json": JSON.stringify({ kernel: "all", gates: { arch: ["none"] } }) });
    const result = JSON.parse((await runKforge(["build", dir, "--json"])).stdout);
    const releases = result.kernels.map((kernel: { release: string }) => kernel.release);
    expect(releases).toContain(native.release);
    expect(releases).not.toContain(arm64.release);
    expect(releases).not.toContain(armhf.release);
  });
});

describe("bad input for a cross build", () => {
  const dir = moduleDir("xbad");

  it("names the Debian package of a missing cross compiler (exit 2, before make)", async () => {
    // A PATH with make and nothing else stands for a machine without the cross toolchain.
    const bin = join(scratch, "bin");
    execFileSync("mkdir", ["-p", bin]);
    symlinkSync(execFileSync("sh", ["-c", "command -v make"], { encoding: "utf8" }).trim(), join(bin, "make"));
    for (const [kernel, compiler, debian] of [
      [arm64, "aarch64-linux-gnu-gcc-12", "arm64"],
      [armhf, "arm-linux-gnueabihf-gcc-12", "armhf"],
    ] as const) {
      const result = await runKforge(["build", dir, "-k", kernel.release], { env: { PATH: bin } });
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`is an ${debian} kernel, and building for it needs the cross compiler ${compiler}`);
      expect(result.stderr).toContain(
        `hint: install Debian's ${debian} cross compiler: apt-get install gcc-${compiler.replace(/-gcc-12$/, "")}`,
      );
    }
    expect(existsSync(join(dir, "xbad.o"))).toBe(false);
  });

  it("refuses an --arch the tree contradicts, and says how to get a tree of that architecture", async () => {
    const onArm = await runKforge(["build", dir, "-k", arm64.release, "--arch", "x86_64"]);
    expect(onArm.exitCode).toBe(2);
    expect(onArm.stderr).toMatch(/cannot build for x86_64: this build tree \(.*\) is configured for arm64/);
    const onNative = await runKforge(["build", dir, "-k", native.release, "--arch", "arm64"]);
    expect(onNative.exitCode).toBe(2);
    expect(onNative.stderr).toContain(`kforge kernel fetch ${parseDebianRelease(native.release)!.version}-arm64`);
    expect(existsSync(join(dir, "xbad.ko"))).toBe(false);
  });

  it("refuses a hand-unpacked Debian arm64 tree whose kbuild helpers are arm64 programs", async () => {
    // As a user gets it: dpkg-deb -x of the arm64 headers and of the arm64 linux-kbuild they link to.
    const root = join(scratch, "by-hand");
    const fetched = join(arm64.kdir, "..");
    const headers = join(root, "usr/src", `linux-headers-${arm64.release}`);
    execFileSync("mkdir", ["-p", join(root, "usr/src"), join(root, "usr/lib")]);
    execFileSync("cp", ["-a", join(fetched, "usr/src", `linux-headers-${arm64.release}`), headers]);
    const common = `linux-headers-${parseDebianRelease(arm64.release)!.version}-common`;
    symlinkSync(join(fetched, "usr/src", common), join(root, "usr/src", common));
    execFileSync("apt-get", ["download", "linux-kbuild-6.1:arm64"], { cwd: scratch, stdio: "ignore" });
    execFileSync("sh", ["-c", `dpkg-deb -x linux-kbuild-6.1_*_arm64.deb ${root}`], { cwd: scratch });
    const result = await runKforge(["build", dir, "--kdir", headers]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("scripts/basic/fixdep is a program for aarch64, which cannot run on this x86_64 machine");
    expect(result.stderr).toContain(`hint: \`kforge kernel fetch ${arm64.release}\` makes a copy of a Debian tree`);
  }, 60_000);
});
