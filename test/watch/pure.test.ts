// The pure parts of watch: which paths rebuild, which modules reload.
import { describe, expect, it } from "vitest";
import { modulesToReload } from "../../src/watch/reload-plan.js";
import { isWatchedFile } from "../../src/watch/watched-files.js";

describe("isWatchedFile", () => {
  it.each(["hello.c", "include/hello.h", "entry.S", "Kbuild", "Makefile", "kforge.json"])("watches %s", (path) =>
    expect(isWatchedFile(path)).toBe(true),
  );
  it.each([
    "hello.o",
    "hello.ko",
    "hello.mod",
    "hello.mod.c",
    ".hello.o.cmd",
    "Module.symvers",
    "modules.order",
    ".tmp_x.c",
    ".kforge/logs/x.c",
    ".hello.c.swp",
    "hello.c~",
    "4913",
  ])("ignores %s", (path) => expect(isWatchedFile(path)).toBe(false));
  it("watches the test scripts vm.test names", () => expect(isWatchedFile("check.sh", ["check.sh"])).toBe(true));
});

describe("modulesToReload", () => {
  const built = [
    { name: "provider", depends: [], hash: "p2" },
    { name: "consumer", depends: ["provider"], hash: "c1" },
    { name: "user", depends: ["consumer"], hash: "u1" },
    { name: "alone", depends: [], hash: "a1" },
  ];
  const loaded = new Map([
    ["provider", "p1"],
    ["consumer", "c1"],
    ["user", "u1"],
    ["alone", "a1"],
  ]);

  it("reloads a changed provider with everything that depends on it, directly or not", () => {
    expect([...modulesToReload(built, loaded)].sort()).toEqual(["consumer", "provider", "user"]);
  });

  it("reloads nothing when no .ko changed, and everything when forced", () => {
    expect(modulesToReload(built, new Map(built.map((module) => [module.name, module.hash]))).size).toBe(0);
    expect(modulesToReload(built, loaded, true).size).toBe(4);
  });
});
