import { describe, expect, it } from "vitest";
import {
  buildMakeArguments,
  objectToVariables,
  resolveJobs,
  setsJobsInMakeflags,
  validateMakeVariables,
} from "../../src/kbuild/make-arguments.js";
import { parseModulesOrder } from "../../src/kbuild/modules-order.js";
import { parseDependencyList } from "../../src/kbuild/fingerprint.js";

describe("make arguments", () => {
  it("passes every kbuild variable the flags ask for, user variables last", () => {
    expect(
      buildMakeArguments({
        kdir: "/k",
        dir: "/m",
        target: "modules",
        jobs: 4,
        llvm: true,
        arch: "arm64",
        crossCompile: "aarch64-linux-gnu-",
        warnings: 2,
        check: true,
        verbose: true,
        variables: ["KCFLAGS=-DX"],
      }),
    ).toEqual([
      "-C",
      "/k",
      "M=/m",
      "-j4",
      "LLVM=1",
      "ARCH=arm64",
      "CROSS_COMPILE=aarch64-linux-gnu-",
      "W=2",
      "C=2",
      "V=1",
      "KCFLAGS=-DX",
      "modules",
    ]);
    expect(buildMakeArguments({ kdir: "/k", dir: "/m", target: "clean" })).toEqual(["-C", "/k", "M=/m", "clean"]);
  });

  it("defaults -j to the CPU count but never stacks it on the module's own -j", () => {
    expect(resolveJobs({ cpuCount: 8, makefileTexts: ["obj-m += a.o\n"] })).toBe(8);
    expect(resolveJobs({ cpuCount: 8, makefileTexts: ["obj-m += a.o\nMAKEFLAGS += -j4\n"] })).toBeUndefined();
    expect(resolveJobs({ cpuCount: 8, makefileTexts: [], environmentMakeflags: " -j2 --jobserver-auth=3,4" })).toBeUndefined();
    expect(resolveJobs({ requested: 3, cpuCount: 8, makefileTexts: ["MAKEFLAGS += -j4"] })).toBe(3);
  });

  it("recognises MAKEFLAGS assignments with -j in their usual spellings only", () => {
    expect(setsJobsInMakeflags("export MAKEFLAGS ?= --jobs=4")).toBe(true);
    expect(setsJobsInMakeflags("override MAKEFLAGS := -rj8")).toBe(true);
    expect(setsJobsInMakeflags("MAKEFLAGS += \\\n  -j3")).toBe(true);
    expect(setsJobsInMakeflags("# MAKEFLAGS += -j4\nMAKEFLAGS += -s")).toBe(false);
    expect(setsJobsInMakeflags("all:\n\t$(MAKE) -C $(KDIR) M=$(PWD) -j4 modules")).toBe(false);
  });

  it("accepts NAME=value pass-through only", () => {
    expect(validateMakeVariables(["KCFLAGS=-DDEBUG -O1", "CONFIG_X=y"])).toEqual(["KCFLAGS=-DDEBUG -O1", "CONFIG_X=y"]);
    expect(() => validateMakeVariables(["clean"])).toThrow(/not a make variable/);
    expect(() => validateMakeVariables(["-j4"])).toThrow(/NAME=value/);
    expect(() => validateMakeVariables(["M=/elsewhere"])).toThrow(/set by kforge/);
    // kforge.json make.variables is held to the same rules.
    expect(() => objectToVariables({ M: "/elsewhere" })).toThrow("kforge.json make.variables.M is set by kforge from the module dir");
    expect(() => objectToVariables({ "-j": "4" })).toThrow('kforge.json: make.variables: "-j" is not a make variable name');
    expect(objectToVariables({ KCFLAGS: "-DX" })).toEqual(["KCFLAGS=-DX"]);
  });
});

describe("modules.order and .cmd files", () => {
  it("reads every form kbuild has written", () => {
    expect(parseModulesOrder("/m/a.ko\n/m/sub/b.ko\n", "/m")).toEqual(["/m/a.ko", "/m/sub/b.ko"]); // 6.1
    expect(parseModulesOrder("/m/a.o\n", "/m")).toEqual(["/m/a.ko"]); // 6.12
    expect(parseModulesOrder("kernel/a.ko\nb.ko\nb.ko\n", "/m")).toEqual(["/m/a.ko", "/m/b.ko"]); // older
  });

  it("lists a .cmd file's dependencies without make's wildcard entries", () => {
    const text =
      "savedcmd_/m/a.o := gcc ...\n\nsource_/m/a.o := /m/a.c\n\ndeps_/m/a.o := \\\n  /usr/src/k/include/linux/kconfig.h \\\n" +
      "    $(wildcard include/config/FOO) \\\n  include/generated/autoconf.h \\\n  /m/a.h \\\n\n/m/a.o: $(deps_/m/a.o)\n";
    expect(parseDependencyList(text)).toEqual(["/usr/src/k/include/linux/kconfig.h", "include/generated/autoconf.h", "/m/a.h"]);
  });
});
