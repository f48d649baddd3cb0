// Projects that build through their own wrapper, built for real: a Makefile that calls kbuild with a
// version define, and a dkms.conf whose MAKE[0] builds in src/ with the kernel and version as variables.
// kforge says what its plain kbuild call would bypass, and with kforge.json build.command builds the
// project's way while still reading the output, finding the .ko files and keeping per-kernel trees.
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resolveBuildCommand } from "../../src/kbuild/build-command.js";
import { runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { removeDir } from "./modules.js";

const root = mkdtempSync(join(tmpdir(), "kforge-build-command-"));
afterAll(() => removeDir(root));
const project = (name: string) => {
  const dir = join(root, name);
  cpSync(fixturePath(`kbuild/projects/${name}`), dir, { recursive: true });
  return dir;
};
const version = (path: string) => execFileSync("modinfo", ["-F", "version", path], { encoding: "utf8" }).trim();
const bothKernels = () => ["-k", kernel61().release, "-k", kernel612().release];

interface JsonKernel {
  release: string;
  ok: boolean;
  artifacts: { path: string }[];
  diagnostics: { message: string; hint: string | null }[];
}
const kernelsOf = (stdout: string) => (JSON.parse(stdout) as { kernels: JsonKernel[] }).kernels;

describe("resolveBuildCommand", () => {
  const input = { dir: root, release: "6.1.0-850-amd64", kdir: "/k", jobs: 4, variables: ["V=1"] };

  it("expands DKMS's variables per kernel and adds -j and kforge's variables to a make command", async () => {
    expect(await resolveBuildCommand({ ...input, setting: "make KDIR=${kernel_source_dir} 'LIT=$x' TARGET=$kernelver" })).toEqual({
      program: "make",
      argv: ["-j4", "KDIR=/k", "LIT=$x", "TARGET=6.1.0-850-amd64", "V=1"],
      source: "kforge.json build.command",
    });
    expect(await resolveBuildCommand({ ...input, setting: undefined })).toBeUndefined();
  });

  it("refuses what would need a shell, and variables it does not know", async () => {
    await expect(resolveBuildCommand({ ...input, setting: "make && make install" })).rejects.toThrow(/shell operator "&&"/);
    await expect(resolveBuildCommand({ ...input, setting: "make KVER=$(uname -r)" })).rejects.toThrow(/command substitution/);
    await expect(resolveBuildCommand({ ...input, setting: "make X=${HOME}" })).rejects.toThrow(/uses \$HOME, which kforge cannot know/);
    await expect(resolveBuildCommand({ ...input, setting: "dkms" })).rejects.toThrow(/has no dkms.conf/);
  });
});

describe("a Makefile that calls kbuild with a version define", () => {
  const dir = project("wrapper-makefile");

  it("is named, with what it adds, when kforge builds the plain way (and the module then has no version)", async () => {
    const result = await runKforge(["build", dir, "-k", kernel61().release], { timeoutMs: 200_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      "kforge: the Makefile's all target (line 10) builds with EXTRA_CFLAGS='-DDRIVER_VERSION=\\\"$(VERSION)\\\"'; " +
        "kforge runs make -C <kdir> M=<dir> modules itself, without it. " +
        'To build through the Makefile, set {"build": {"command": "make KDIR=${kernel_source_dir}"}} in kforge.json',
    );
    expect(version(join(dir, "verdrv.ko"))).toBe("<not provided>");
  });

  it("is run with build.command for both kernels at once, each at its build location, with the version it defines", async () => {
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ build: { command: "make KDIR=${kernel_source_dir}" } }));
    const result = await runKforge(["build", dir, ...bothKernels(), "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain("Makefile's all target");
    for (const kernel of kernelsOf(result.stdout)) {
      // The dir holds the 6.1 build of the test above; the other kernel builds in its own tree.
      const location = kernel.release === kernel61().release ? dir : join(dir, ".kforge", "build", kernel.release);
      expect(kernel.artifacts.map((artifact) => artifact.path)).toEqual([join(location, "verdrv.ko")]);
      expect(version(kernel.artifacts[0]!.path)).toBe("2.7.1");
    }
  });

  it("fails a build that made modules for another kernel than the one asked for", async () => {
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ build: { command: ["make", `KDIR=${kernel61().kdir}`] } }));
    const result = await runKforge(["build", dir, "-k", kernel612().release, "--json"], { timeoutMs: 200_000 });
    expect(result.exitCode).toBe(1);
    expect(kernelsOf(result.stdout)[0]!.diagnostics[0]).toMatchObject({
      message:
        `${join(dir, ".kforge", "build", kernel612().release, "verdrv.ko")} was built for kernel ${kernel61().release}, ` +
        `not ${kernel612().release}: kforge.json build.command did not build against the kernel asked for`,
      hint: expect.stringContaining("KDIR=${kernel_source_dir}"),
    });
  });
});

describe("a dkms.conf whose MAKE[0] builds in src/", () => {
  const dir = project("dkms-make");

  it("is named when kforge builds the plain way, and build.command dkms builds it as DKMS does", async () => {
    const plain = await runKforge(["build", dir, "-k", kernel61().release], { timeoutMs: 200_000 });
    expect(plain.stderr).toContain(
      `kforge: dkms.conf's MAKE[0] builds with "'make' -C src KVERSION=\${kernelver} ` +
        `DRIVER_VERSION=3.1"; kforge runs make -C <kdir> M=<dir> modules itself`,
    );
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ build: { command: "dkms" } }));
    const result = await runKforge(["build", dir, ...bothKernels(), "--json"], { timeoutMs: 300_000 });
    expect(result.exitCode, result.stderr).toBe(0);
    for (const kernel of kernelsOf(result.stdout)) {
      // BUILT_MODULE_LOCATION[0]="src/": the module is found there, in the kernel's own tree.
      expect(kernel.artifacts.map((artifact) => artifact.path)).toEqual([
        join(dir, ".kforge", "build", kernel.release, "src", "verdrv.ko"),
      ]);
      expect(version(kernel.artifacts[0]!.path)).toBe("3.1");
    }
    const check = await runKforge(["dkms", "check", dir]);
    expect(check.exitCode, check.stderr).toBe(0);
  });

  it("fails when the module is not where BUILT_MODULE_LOCATION says, as DKMS does", async () => {
    writeFileSync(
      join(dir, "dkms.conf"),
      `PACKAGE_NAME="verdrv"\nPACKAGE_VERSION="3.1"\nMAKE[0]="make -C src KVERSION=\${kernelver}"\n` +
        `BUILT_MODULE_NAME[0]="verdrv"\nBUILT_MODULE_LOCATION[0]="build/"\n`,
    );
    const result = await runKforge(["build", dir, "-k", kernel612().release, "--json", "--force"], { timeoutMs: 200_000 });
    expect(result.exitCode).toBe(1);
    expect(kernelsOf(result.stdout)[0]!.diagnostics.map((diagnostic) => diagnostic.message)).toContain(
      "dkms.conf MAKE[0] succeeded but did not build build/verdrv.ko, which dkms.conf's " +
        "BUILT_MODULE_NAME/BUILT_MODULE_LOCATION name (DKMS fails such a build)",
    );
  });
});
