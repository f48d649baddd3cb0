// From "the project needs videodev.ko" to Kconfig options: the Makefile mapping and the Kconfig walk,
// on small inputs and on the real 6.12 source the debug kernel was built from.
import { readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { enableWithDependencies, objectSymbol, parseKconfigTree, requiredSymbols } from "../../src/guest-kernel/kconfig.js";
import { debugKernel } from "../helpers/kernels.js";

describe("objectSymbol", () => {
  it("finds the obj-$(CONFIG_X) line that builds an object, across continued lines", () => {
    const makefile =
      "videodev-objs := v4l2-dev.o \\\n\tv4l2-ioctl.o\nobj-$(CONFIG_V4L2_ASYNC) += v4l2-async.o\n" +
      "obj-$(CONFIG_VIDEO_DEV) += v4l2-dv-timings.o \\\n\tvideodev.o\n";
    expect(objectSymbol(makefile, "videodev")).toBe("VIDEO_DEV");
    expect(objectSymbol(makefile, "v4l2-async")).toBe("V4L2_ASYNC");
    expect(objectSymbol(makefile, "v4l2-dev")).toBeUndefined();
  });
});

describe("requiredSymbols", () => {
  it("keeps plain conjuncts and drops alternatives, negations and comparisons with n", () => {
    expect(requiredSymbols("MEDIA_SUPPORT && (I2C || I2C=n) && !NO_IOMEM && PCI=y")).toEqual(["MEDIA_SUPPORT", "PCI"]);
    expect(requiredSymbols("(HAS_IOMEM)")).toEqual(["HAS_IOMEM"]);
  });
});

describe("parseKconfigTree and enableWithDependencies", () => {
  const files: Record<string, string> = {
    Kconfig: 'mainmenu "Linux"\nsource "drivers/Kconfig"\nsource "arch/$(SRCARCH)/Kconfig"\n',
    "arch/x86/Kconfig": "config HAS_IOMEM\n\tdef_bool y\n",
    "drivers/Kconfig": [
      "menuconfig MEDIA_SUPPORT",
      '\ttristate "Multimedia support"',
      "\tdepends on HAS_IOMEM",
      "\thelp",
      "\t  if unsure, say N.",
      "\t  source of confusion",
      "",
      "if MEDIA_SUPPORT",
      'menu "Media core support"',
      "config VIDEO_DEV",
      '\ttristate "Video4Linux core"',
      "\tdepends on (I2C || I2C=n)",
      "config MEDIA_CONTROLLER",
      '\tbool "Media Controller API"',
      "\tdepends on VIDEO_DEV",
      "endmenu",
      "endif",
    ].join("\n"),
  };
  const symbols = parseKconfigTree((path) => files[path], "x86");

  it("collects the blocks around each entry and skips help text", () => {
    expect(symbols.get("VIDEO_DEV")).toEqual({ type: "tristate", hasPrompt: true, depends: ["MEDIA_SUPPORT", "(I2C || I2C=n)"] });
    expect(symbols.get("MEDIA_SUPPORT")).toEqual({ type: "tristate", hasPrompt: true, depends: ["HAS_IOMEM"] });
    expect(symbols.get("HAS_IOMEM")).toMatchObject({ type: "bool", hasPrompt: false });
    expect([...symbols.keys()].sort()).toEqual(["HAS_IOMEM", "MEDIA_CONTROLLER", "MEDIA_SUPPORT", "VIDEO_DEV"]);
  });

  it("enables dependencies first, a bool as y, and leaves promptless symbols to their defaults", () => {
    expect(enableWithDependencies(symbols, new Map([["VIDEO_DEV", "m"]]))).toEqual({
      lines: ["CONFIG_MEDIA_SUPPORT=m", "CONFIG_VIDEO_DEV=m"],
      unknown: [],
    });
    expect(
      enableWithDependencies(
        symbols,
        new Map([
          ["MEDIA_CONTROLLER", "m"],
          ["NOPE", "m"],
        ]),
      ),
    ).toEqual({
      lines: ["CONFIG_MEDIA_SUPPORT=m", "CONFIG_VIDEO_DEV=m", "CONFIG_MEDIA_CONTROLLER=y"],
      unknown: ["NOPE"],
    });
  });

  it("maps videodev to CONFIG_VIDEO_DEV and its dependencies in the real 6.12 source", () => {
    const source = readlinkSync(join(debugKernel().kdir, "source"));
    const read = (path: string) => {
      try {
        return readFileSync(join(source, path), "utf8");
      } catch {
        return undefined;
      }
    };
    expect(objectSymbol(read("drivers/media/v4l2-core/Makefile")!, "videodev")).toBe("VIDEO_DEV");
    expect(objectSymbol(read("drivers/media/mc/Makefile")!, "mc")).toBe("MEDIA_SUPPORT");
    const real = parseKconfigTree(read, "x86");
    expect(real.size).toBeGreaterThan(10_000);
    expect(enableWithDependencies(real, new Map([["VIDEO_DEV", "m"]]))).toEqual({
      lines: ["CONFIG_MEDIA_SUPPORT=m", "CONFIG_VIDEO_DEV=m"],
      unknown: [],
    });
  });
});
