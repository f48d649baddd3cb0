// ARCH= against the build tree's configured architecture: the pure matcher, the real Debian
// configs, and a real build that must stop before make instead of leaving an x86-64 .ko.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { buildModules } from "../../src/kbuild/build-modules.js";
import { requestedArch } from "../../src/kbuild/target-arch.js";
import { archFromConfig, archMatches } from "../../src/kernel/architecture.js";
import { parseKernelConfig, readKernelConfig } from "../../src/kernel/kernel-config.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(removeDir));

describe("target architecture", () => {
  it("reads the architecture from a kernel config", () => {
    expect(archFromConfig(parseKernelConfig("CONFIG_X86=y\nCONFIG_X86_64=y\n"))).toBe("x86_64");
    expect(archFromConfig(parseKernelConfig("CONFIG_X86=y\n# CONFIG_X86_64 is not set\n"))).toBe("i386");
    expect(archFromConfig(parseKernelConfig("CONFIG_ARM64=y\n"))).toBe("arm64");
    expect(archFromConfig(parseKernelConfig("CONFIG_RISCV=y\n"))).toBe("riscv");
    expect(archFromConfig(parseKernelConfig("CONFIG_LOONGARCH=y\n"))).toBe("loongarch");
    expect(archFromConfig(parseKernelConfig("CONFIG_MODULES=y\n"))).toBeUndefined();
  });

  it("finds x86_64 in the installed Debian headers", async () => {
    for (const kernel of [kernel61(), kernel612()]) expect(archFromConfig((await readKernelConfig(kernel.kdir))!)).toBe("x86_64");
  });

  it("matches kbuild's ARCH names and common aliases, and lets a pass-through ARCH= win over --arch", () => {
    expect(["x86", "x86_64", "amd64"].map((arch) => archMatches(arch, "x86_64"))).toEqual([true, true, true]);
    expect(["arm64", "aarch64", "i386", "riscv"].map((arch) => archMatches(arch, "x86_64"))).toEqual([false, false, false, false]);
    expect(archMatches("aarch64", "arm64")).toBe(true);
    expect(requestedArch("x86_64", ["KCFLAGS=-g", "ARCH=arm64"])).toBe("arm64");
    expect(requestedArch("arm64", undefined)).toBe("arm64");
    expect(requestedArch(undefined, ["KCFLAGS=-g"])).toBeUndefined();
  });

  it("refuses --arch arm64 against an x86_64 build tree before make runs, naming both", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += cross.o\n", "cross.c": moduleSource("cross") }));
    const attempt = buildModules({ dir, kernel: kernel61(), arch: "arm64" });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/cannot build for arm64: this build tree \(.*\) is configured for x86_64/),
      hint: expect.stringContaining("to cross-compile you need a build tree configured for arm64"),
    });
    await expect(buildModules({ dir, kernel: kernel612(), variables: ["ARCH=arm64"] })).rejects.toMatchObject({
      message: expect.stringContaining("configured for x86_64"),
    });
    expect(existsSync(join(dir, "cross.ko"))).toBe(false);
    expect(existsSync(join(dir, ".kforge"))).toBe(false);
  });

  it("builds with --arch x86_64 on an x86_64 tree", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += native.o\n", "native.c": moduleSource("native") }));
    expect((await buildModules({ dir, kernel: kernel612(), arch: "x86_64" })).ok).toBe(true);
  });
});
