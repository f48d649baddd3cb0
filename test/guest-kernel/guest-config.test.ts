// The guest kernel's Kconfig fragment and the source-version parsers behind `kforge kernel build`.
import { describe, expect, it } from "vitest";
import { createGuestConfig, missingOptions, variantKey } from "../../src/guest-kernel/guest-config.js";
import { builtRelease, parseBuiltRelease } from "../../src/kernel/built-release.js";
import { seriesOf } from "../../src/guest-kernel/kernel-source.js";
import { parseMakefileVersion } from "../../src/kernel/kernel-version.js";

describe("createGuestConfig", () => {
  it("adds the checkers only for a debug kernel, and names the flavour in the local version", () => {
    const stock = createGuestConfig({ debug: false });
    const debug = createGuestConfig({ debug: true });
    expect(stock).toContain('CONFIG_LOCALVERSION="-kforge"\n');
    expect(stock).toContain("CONFIG_SERIAL_8250_CONSOLE=y\n");
    expect(stock).not.toContain("CONFIG_KASAN=y");
    expect(debug).toContain('CONFIG_LOCALVERSION="-kforge-debug"\n');
    for (const option of [
      "KASAN",
      "KASAN_INLINE",
      "KFENCE",
      "UBSAN",
      "PROVE_LOCKING",
      "DEBUG_ATOMIC_SLEEP",
      "DEBUG_KMEMLEAK",
      "DEBUG_OBJECTS",
      "DEBUG_LIST",
      "KUNIT",
    ]) {
      expect(debug).toContain(`CONFIG_${option}=y\n`);
    }
    expect(debug).toContain("# CONFIG_SLUB_TINY is not set\n");
  });

  it("applies extra options last, so they win over kforge's", () => {
    const lines = createGuestConfig({ debug: true, extra: ["# CONFIG_KFENCE is not set"] })
      .trim()
      .split("\n");
    expect(lines.at(-1)).toBe("# CONFIG_KFENCE is not set");
  });

  it("names a release from the source version and the flavour, and reads such names back", () => {
    expect(builtRelease("6.12.900", true)).toBe("6.12.900-kforge-debug");
    expect(builtRelease("6.12.900", false)).toBe("6.12.900-kforge");
    expect(builtRelease("6.12.900", true, "0badcafe")).toBe("6.12.900-kforge-debug-0badcafe");
    expect(parseBuiltRelease("6.12.900-kforge-debug")).toEqual({ version: "6.12.900", debug: true });
    expect(parseBuiltRelease("6.12.900-kforge")).toEqual({ version: "6.12.900", debug: false });
    expect(parseBuiltRelease("6.12.900-kforge-debug-0badcafe")).toEqual({ version: "6.12.900", debug: true, variant: "0badcafe" });
    expect(parseBuiltRelease("6.1.0-850-amd64")).toBeUndefined();
    expect(parseBuiltRelease("6.12.900-kforgery")).toBeUndefined();
  });

  it("keys a project's extra options, whatever their order, into its own release", () => {
    const key = variantKey(["CONFIG_VIDEO_DEV=m", "CONFIG_MEDIA_SUPPORT=m"]);
    expect(key).toMatch(/^[0-9a-f]{8}$/);
    expect(variantKey(["CONFIG_MEDIA_SUPPORT=m", "CONFIG_VIDEO_DEV=m"])).toBe(key);
    expect(variantKey(["CONFIG_MEDIA_SUPPORT=y", "CONFIG_VIDEO_DEV=m"])).not.toBe(key);
    expect(variantKey([])).toBeUndefined();
    expect(createGuestConfig({ debug: true, extra: ["CONFIG_VIDEO_DEV=m", "CONFIG_MEDIA_SUPPORT=m"] })).toContain(
      `CONFIG_LOCALVERSION="-kforge-debug-${key}"\n`,
    );
  });
});

describe("missingOptions", () => {
  const fragment = "CONFIG_KASAN=y\n# CONFIG_SLUB_TINY is not set\nCONFIG_KUNIT=y\n";

  it("lists what the resolved config lacks, and nothing when all is there", () => {
    expect(missingOptions(fragment, "CONFIG_KASAN=y\nCONFIG_SLUB_TINY=y\n# CONFIG_KUNIT is not set\n")).toEqual([
      "# CONFIG_SLUB_TINY is not set",
      "CONFIG_KUNIT=y",
    ]);
    expect(missingOptions(fragment, "CONFIG_KASAN=y\n# CONFIG_SLUB_TINY is not set\nCONFIG_KUNIT=y\n")).toEqual([]);
  });

  it("counts an option absent from .config as not set, and a module forced built in as present", () => {
    expect(missingOptions("# CONFIG_GONE is not set\nCONFIG_VIDEO_DEV=m\n", "CONFIG_VIDEO_DEV=y\n")).toEqual([]);
    expect(missingOptions("CONFIG_VIDEO_DEV=y\n", "CONFIG_VIDEO_DEV=m\n")).toEqual(["CONFIG_VIDEO_DEV=y"]);
    expect(missingOptions('CONFIG_LOCALVERSION="-kforge"\n', 'CONFIG_LOCALVERSION="-kforge"\n')).toEqual([]);
  });
});

describe("kernel source versions", () => {
  it("reads the version from a top-level Makefile", () => {
    const makefile =
      "# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 900\nEXTRAVERSION =\nNAME = Baby Opossum Posse\n";
    expect(parseMakefileVersion(makefile)).toBe("6.12.900");
    expect(parseMakefileVersion("VERSION = 7\nPATCHLEVEL = 0\nSUBLEVEL = 0\nEXTRAVERSION = -rc3\n")).toBe("7.0.0-rc3");
    expect(parseMakefileVersion("all:\n\techo\n")).toBeUndefined();
  });

  it("takes the major.minor series from a version or a distro release", () => {
    expect(seriesOf("6.12")).toBe("6.12");
    expect(seriesOf("6.12.900")).toBe("6.12");
    expect(seriesOf("6.1.0-850-amd64")).toBe("6.1");
    expect(seriesOf("latest")).toBeUndefined();
  });
});

describe("obtainSource --source <dir>", () => {
  it("uses a source dir as it is and refuses a dir that is not a kernel tree", async () => {
    const { mkdtemp, writeFile, rm } = await import("node:fs/promises");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { obtainSource } = await import("../../src/guest-kernel/kernel-source.js");
    const dir = await mkdtemp(join(tmpdir(), "kforge-source-"));
    try {
      await writeFile(join(dir, "Makefile"), "VERSION = 6\nPATCHLEVEL = 12\nSUBLEVEL = 900\nEXTRAVERSION =\n");
      await expect(obtainSource({ source: dir })).rejects.toThrow(/not a kernel source tree/);
      await writeFile(join(dir, "Kconfig"), 'mainmenu "Linux"\n');
      await expect(obtainSource({ source: dir })).resolves.toEqual({ dir, version: "6.12.900", origin: dir });
      await expect(obtainSource({ source: join(dir, "missing") })).rejects.toThrow(/no such file or directory/);
      await expect(obtainSource({ series: "latest" })).rejects.toThrow(/not a kernel version/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
