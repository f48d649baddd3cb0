import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseModFile, projectDependencies, quotedIncludes, readDeclaredFiles } from "../../src/check/project-files.js";
import { fixturePath } from "../helpers/fixtures.js";

describe("the files a project builds", () => {
  it("reads a .mod file's objects relative to the tree (6.1 and 6.12 write absolute paths, one per line)", () => {
    expect(parseModFile("/t/noisy-main.o\n/t/noisy-util.o\n\n", "/t")).toEqual(["noisy-main.o", "noisy-util.o"]);
    expect(parseModFile("/t/sub/x.o /elsewhere/y.o", "/t")).toEqual(["sub/x.o"]);
  });

  it("keeps the dependencies of a compile that are inside the tree", () => {
    expect(projectDependencies(["/t/noisy.h", "/usr/src/linux/include/linux/module.h", "include/linux/kconfig.h"], "/t")).toEqual([
      "noisy.h",
    ]);
  });
});

describe("the files a Kbuild names, before the build", () => {
  it("reads quoted includes only: the project's own headers", () => {
    expect(quotedIncludes('#include <linux/module.h>\n#include "noisy.h"\n  #  include "sub/x.h"\n// #include "no.h"\n')).toEqual([
      "noisy.h",
      "sub/x.h",
    ]);
  });

  it("lists a composite module's sources and the headers they include (the noisy fixture)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "kforge-declared-"));
    try {
      cpSync(fixturePath("check/noisy"), dir, { recursive: true });
      expect(await readDeclaredFiles(dir)).toEqual({ sources: ["noisy-main.c", "noisy-util.c"], headers: ["noisy.h"] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
