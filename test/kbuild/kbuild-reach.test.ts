// A Kbuild that reaches outside its folder (include $(src)/../Kbuild.common, -I$(src)/../common and an
// object from ../common), built for both kernels at once: each kernel's tree mirrors the folder above
// with what is reached, objects stay in the trees, and a change to the shared fragment rebuilds.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findReachedPaths } from "../../src/kbuild/kbuild-reach.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { moduleSource, removeDir } from "./modules.js";

describe("findReachedPaths", () => {
  it("finds $(src)/.. includes and flags, and objects one or more folders up", () => {
    const kbuild = [
      "include $(src)/../Kbuild.common",
      "ccflags-y += -I$(src)/../../include/$(ARCH) -DX=1",
      "obj-m += drv.o",
      "drv-y := main.o ../common/helper.o \\",
      "\t../../lib/crc/crc.o",
      "ccflags-y += -I$(src)/include",
    ].join("\n");
    expect(findReachedPaths([kbuild])).toEqual(["../../include", "../../lib/crc", "../Kbuild.common", "../common"]);
    expect(findReachedPaths(["obj-m += plain.o\nccflags-y += -I$(src)/include\n"])).toEqual([]);
  });
});

const root = mkdtempSync(join(tmpdir(), "kforge-reach-"));
afterAll(() => removeDir(root));
const dir = join(root, "driver");
mkdirSync(join(root, "common"));
mkdirSync(dir);
writeFileSync(join(root, "Kbuild.common"), "ccflags-y += -DCOMMON_VALUE=7 -I$(src)/../common\n");
writeFileSync(join(root, "common", "helper.h"), "int reach_helper(void);\n");
writeFileSync(join(root, "common", "helper.c"), '#include "helper.h"\nint reach_helper(void) { return COMMON_VALUE; }\n');
writeFileSync(join(dir, "Kbuild"), "include $(src)/../Kbuild.common\nobj-m += reachdrv.o\nreachdrv-y := main.o ../common/helper.o\n");
writeFileSync(
  join(dir, "main.c"),
  moduleSource("reachdrv", '#include "helper.h"\nMODULE_INFO(common_value, __stringify(COMMON_VALUE));\n'),
);

interface JsonKernel {
  release: string;
  ok: boolean;
  upToDate: boolean;
  artifacts: { path: string }[];
}

// The value the shared fragment's -DCOMMON_VALUE gave the module, read back with kmod's modinfo.
const commonValue = (kernel: JsonKernel) =>
  execFileSync("modinfo", ["-F", "common_value", kernel.artifacts[0]!.path], { encoding: "utf8" }).trim();

const build = async () => {
  const result = await runKforge(["build", dir, "-k", kernel61().release, "-k", kernel612().release, "--json"], { timeoutMs: 300_000 });
  expect(result.exitCode, result.stderr).toBe(0);
  return (JSON.parse(result.stdout) as { kernels: JsonKernel[] }).kernels;
};

describe("a module whose Kbuild reaches one folder up, built for two kernels at once", () => {
  it("builds in each kernel's mirror of the folder above, leaving the sources untouched", async () => {
    const kernels = await build();
    for (const kernel of kernels) {
      expect(kernel.ok).toBe(true);
      expect(kernel.artifacts.map((artifact) => artifact.path)).toEqual([
        join(dir, ".kforge", "build", kernel.release, "driver", "reachdrv.ko"),
      ]);
      expect(existsSync(join(dir, ".kforge", "build", kernel.release, "common", "helper.o"))).toBe(true);
    }
    expect(readdirSync(join(root, "common")).sort()).toEqual(["helper.c", "helper.h"]);
    expect(readdirSync(dir).sort()).toEqual([".kforge", "Kbuild", "main.c"]);
    expect(commonValue(kernels[0]!)).toBe("7");
  });

  it("is up to date the second time, and rebuilds when the shared Kbuild fragment changes", async () => {
    expect((await build()).map((kernel) => kernel.upToDate)).toEqual([true, true]);
    writeFileSync(join(root, "Kbuild.common"), "ccflags-y += -DCOMMON_VALUE=8 -I$(src)/../common\n");
    const kernels = await build();
    expect(kernels.map((kernel) => kernel.upToDate)).toEqual([false, false]);
    expect(commonValue(kernels[1]!)).toBe("8");
  });
});
