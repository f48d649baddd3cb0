import { describe, expect, it } from "vitest";
import { parseModFile, projectDependencies } from "../../src/check/project-files.js";

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
