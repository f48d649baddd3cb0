import { mkdtemp, rm, writeFile, copyFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  moduleNameFromPath,
  orderInTreeModules,
  parseModulesBuiltin,
  parseModulesDep,
  resolveInTreeDependencies,
} from "../../src/module/modules-dep.js";
import { readFixture } from "../helpers/fixtures.js";
import { kernel612, releasePattern } from "../helpers/kernels.js";

describe("moduleNameFromPath", () => {
  it("strips every compression suffix and turns dashes into underscores", () => {
    expect(moduleNameFromPath("kernel/arch/x86/crypto/twofish-x86_64-3way.ko.xz")).toBe("twofish_x86_64_3way");
    expect(moduleNameFromPath("/tmp/hello.ko")).toBe("hello");
    expect(moduleNameFromPath("a/b/c.ko.zst")).toBe("c");
    expect(moduleNameFromPath("c.ko.gz")).toBe("c");
  });
});

describe("parseModulesDep (real 6.12 excerpt)", () => {
  const dependencies = parseModulesDep(readFixture("module/modules.dep-6.12"));

  it("keeps modules without dependencies and the dependency lists in file order", () => {
    expect(dependencies.get("kernel/fs/fat/fat.ko.xz")).toEqual([]);
    expect(dependencies.get("kernel/fs/fat/vfat.ko.xz")).toEqual(["kernel/fs/fat/fat.ko.xz"]);
    expect(dependencies.get("kernel/net/netfilter/nf_nat.ko.xz")).toHaveLength(4);
  });

  it("ignores garbage lines", () => {
    expect(parseModulesDep("no colon here\n\n: empty\nx.ko:\n").size).toBe(1);
  });
});

describe("orderInTreeModules", () => {
  const dependencies = parseModulesDep(readFixture("module/modules.dep-6.12"));
  const builtin = parseModulesBuiltin(readFixture("module/modules.builtin-6.12"));

  it("orders a deep chain dependencies first, each once, like modprobe", () => {
    const { paths } = orderInTreeModules(dependencies, builtin, ["twofish-avx-x86_64", "twofish_common"]);
    expect(paths.map(moduleNameFromPath)).toEqual([
      "twofish_common",
      "twofish_x86_64",
      "twofish_x86_64_3way",
      "cryptd",
      "crypto_simd",
      "twofish_avx_x86_64",
    ]);
  });

  it("puts every dependency before its user", () => {
    const { paths } = orderInTreeModules(dependencies, builtin, ["nf_nat", "btrfs", "vfat"]);
    for (const [path, needs] of dependencies) {
      if (!paths.includes(path)) continue;
      for (const need of needs) expect(paths.indexOf(need)).toBeLessThan(paths.indexOf(path));
    }
    expect(paths.filter((path) => path.endsWith("libcrc32c.ko.xz"))).toHaveLength(1);
  });

  it("reports unknown and builtin names instead of dropping them silently", () => {
    const result = orderInTreeModules(dependencies, builtin, ["dummy", "no_such_module", "zsmalloc"]);
    expect(result.paths).toEqual(["kernel/drivers/net/dummy.ko.xz"]);
    expect(result.unknown).toEqual(["no_such_module"]);
    expect(result.builtin).toEqual(["zsmalloc"]);
  });
});

describe("resolveInTreeDependencies", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kforge-modules-dep-"));
    await copyFile(new URL("../fixtures/module/modules.dep-6.12", import.meta.url), join(dir, "modules.dep"));
    await writeFile(join(dir, "modules.builtin"), "kernel/mm/zsmalloc.ko\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("returns absolute paths in load order", async () => {
    const result = await resolveInTreeDependencies(dir, ["vfat", "missing"]);
    expect(result.files).toEqual([join(dir, "kernel/fs/fat/fat.ko.xz"), join(dir, "kernel/fs/fat/vfat.ko.xz")]);
    expect(result.unknown).toEqual(["missing"]);
  });

  it("reads modules.dep and modules.builtin again once either changes on disk", async () => {
    const changing = await mkdtemp(join(tmpdir(), "kforge-modules-dep-changing-"));
    try {
      await writeFile(join(changing, "modules.dep"), "kernel/a.ko:\n");
      expect((await resolveInTreeDependencies(changing, ["a", "b"])).unknown).toEqual(["b"]);
      await writeFile(join(changing, "modules.dep"), "kernel/a.ko:\nkernel/b.ko: kernel/a.ko\n");
      expect((await resolveInTreeDependencies(changing, ["b"])).files).toEqual([
        join(changing, "kernel/a.ko"),
        join(changing, "kernel/b.ko"),
      ]);
      await writeFile(join(changing, "modules.builtin"), "kernel/c.ko\n");
      expect((await resolveInTreeDependencies(changing, ["c"])).builtin).toEqual(["c"]);
    } finally {
      await rm(changing, { recursive: true, force: true });
    }
  });

  it("treats a directory without modules.dep as knowing nothing", async () => {
    const result = await resolveInTreeDependencies(join(dir, "nowhere"), ["vfat"]);
    expect(result).toEqual({ files: [], unknown: ["vfat"], builtin: [] });
  });

  it("works on the real installed 6.12 tree", async () => {
    const result = await resolveInTreeDependencies(join("/lib/modules", kernel612().release), ["vfat"]);
    expect(result.files.map(moduleNameFromPath)).toEqual(["fat", "vfat"]);
    expect(result.files[0]).toMatch(new RegExp(`^/lib/modules/${releasePattern(kernel612().release)}/kernel/fs/fat/fat\\.ko`));
  });
});
