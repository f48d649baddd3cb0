import { describe, expect, it } from "vitest";
import { parseModuleSymvers, parseModulesSymbols } from "../../src/module/module-symvers.js";
import { resolveSymbols } from "../../src/module/resolve-deps.js";
import { readFixture } from "../helpers/fixtures.js";

describe("Module.symvers and modules.symbols (real 6.12 excerpts)", () => {
  const symvers = parseModuleSymvers(readFixture("module/Module.symvers-6.12"));
  const symbols = parseModulesSymbols(readFixture("module/modules.symbols-6.12"));

  it("reads crc, module, export type and namespace", () => {
    expect(symvers.find((entry) => entry.symbol === "_printk")).toEqual({
      symbol: "_printk",
      crc: "0x122c3a7e",
      module: "vmlinux",
      exportType: "EXPORT_SYMBOL",
    });
    expect(symvers.find((entry) => entry.symbol === "fat_fill_super")?.module).toBe("fs/fat/fat");
    expect(symvers.find((entry) => entry.symbol === "insert_resource_expand_to_fit")?.namespace).toBe("CXL");
  });

  it("skips the comment header of modules.symbols", () => {
    expect(symbols.length).toBe(52);
    expect(symbols.find((entry) => entry.symbol === "fat_build_inode")).toEqual({ symbol: "fat_build_inode", module: "fat" });
  });

  it("resolves kernel, in-tree, project and missing providers, with GPL and CRC problems", () => {
    const details = (name: string, license?: string) => ({ name, license, depends: [] as string[] }) as never;
    const modules = [
      {
        name: "user",
        path: "/p/user.ko",
        details: details("user", "Proprietary"),
        symbols: {
          imports: [
            { name: "_printk", crc: "0x122c3a7e" },
            { name: "fat_fill_super" },
            { name: "lib_fn" },
            { name: "nowhere" },
            { name: "crc32c", crc: "0x00000001" },
          ],
          exports: [],
        },
      },
      {
        name: "lib",
        path: "/p/lib.ko",
        details: details("lib", "GPL"),
        symbols: { imports: [], exports: [{ name: "lib_fn", gplOnly: false }] },
      },
    ];
    const result = resolveSymbols(modules, symvers, symbols);
    const needs = result.modules[0]!.needs;
    expect(needs.map((need) => need.provider)).toEqual([
      { kind: "kernel" },
      { kind: "in-tree", module: "fat" },
      { kind: "project", module: "lib" },
      { kind: "missing" },
      { kind: "in-tree", module: "libcrc32c" },
    ]);
    expect(needs[1]!.problem).toContain("EXPORT_SYMBOL_GPL");
    expect(needs[4]!.problem).toContain("differs from the kernel's 0xb15b4109");
    expect(result.loadOrder).toEqual(["lib", "user"]);
    expect(result.modules[0]!.inTreeDependencies).toEqual(["fat", "libcrc32c"]);
    expect(result.missing).toEqual([{ module: "user", symbol: "nowhere" }]);
  });
});
