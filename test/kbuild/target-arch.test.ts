// ARCH= against the build tree's configured architecture: the cross target a foreign tree implies,
// and a real build that must stop before make instead of leaving an x86-64 .ko.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { buildModules } from "../../src/kbuild/build-modules.js";
import { requestedArch, resolveCrossTarget } from "../../src/kbuild/target-arch.js";
import { hostArchitecture } from "../../src/kernel/architecture.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(removeDir));

describe("target architecture", () => {
  it("lets a pass-through ARCH= win over --arch", () => {
    expect(requestedArch("x86_64", ["KCFLAGS=-g", "ARCH=arm64"])).toBe("arm64");
    expect(requestedArch("arm64", undefined)).toBe("arm64");
    expect(requestedArch(undefined, ["KCFLAGS=-g"])).toBeUndefined();
  });

  it("takes ARCH and CROSS_COMPILE from a foreign tree, keeping what the user set", () => {
    const host = hostArchitecture("x64");
    const base = { host, release: "6.1.0-850-arm64", llvm: false };
    expect(resolveCrossTarget({ ...base, configured: "x86_64" })).toEqual({ arch: undefined, crossCompile: undefined, foreign: undefined });
    expect(resolveCrossTarget({ ...base, configured: "arm64" })).toMatchObject({ arch: "arm64", crossCompile: "aarch64-linux-gnu-" });
    expect(resolveCrossTarget({ ...base, configured: "arm" })).toMatchObject({ arch: "arm", crossCompile: "arm-linux-gnueabihf-" });
    expect(resolveCrossTarget({ ...base, configured: "arm64", crossCompile: "/opt/x/aarch64-none-linux-gnu-" }).crossCompile).toBe(
      "/opt/x/aarch64-none-linux-gnu-",
    );
    expect(resolveCrossTarget({ ...base, configured: "arm64", variables: ["CROSS_COMPILE=my-", "ARCH=arm64"] })).toMatchObject({
      arch: undefined,
      crossCompile: undefined,
    });
    expect(resolveCrossTarget({ ...base, configured: "arm64", llvm: true })).toMatchObject({ arch: "arm64", crossCompile: undefined });
    expect(() => resolveCrossTarget({ ...base, configured: "riscv" })).toThrow(/is for riscv, and kforge does not know a cross compiler/);
    expect(resolveCrossTarget({ ...base, configured: "riscv", crossCompile: "riscv64-linux-gnu-" }).crossCompile).toBe(
      "riscv64-linux-gnu-",
    );
  });

  it("refuses --arch arm64 against an x86_64 build tree before make runs, naming both", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += cross.o\n", "cross.c": moduleSource("cross") }));
    const attempt = buildModules({ dir, kernel: kernel61(), arch: "arm64" });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringMatching(/cannot build for arm64: this build tree \(.*\) is configured for x86_64/),
      hint: expect.stringContaining("to cross-compile you need a build tree configured for arm64: `kforge kernel fetch"),
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
