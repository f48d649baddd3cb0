// What `--kernel all` means: this machine's architecture, unless an architecture request widens it.
import { describe, expect, it } from "vitest";
import { parseArchRequest, treesForAll, withArchitectures } from "../../src/kernel/all-kernels.js";
import { hostArchitecture } from "../../src/kernel/architecture.js";
import { foreignKernel61, kernel61, kernel612 } from "../helpers/kernels.js";

describe("--kernel all", () => {
  it("reads --arch as all, a comma list or repeated names, in any spelling, and refuses unknown names", () => {
    expect(parseArchRequest(undefined)).toBeUndefined();
    expect(parseArchRequest("all")).toBe("all");
    expect(parseArchRequest("arm64,armhf")).toEqual(["arm64", "arm"]);
    expect(parseArchRequest(["aarch64", "amd64"])).toEqual(["arm64", "x86_64"]);
    expect(() => parseArchRequest("sparc64")).toThrow(/--arch sparc64: kforge builds for x86_64 \(amd64\), arm64 \(arm64\), arm \(armhf\)/);
  });

  it("picks from the real trees: native by default, the foreign ones only when asked", async () => {
    const trees = await withArchitectures([kernel61(), kernel612(), foreignKernel61("arm64"), foreignKernel61("armmp")]);
    expect(trees.map((tree) => tree.arch)).toEqual(["x86_64", "x86_64", "arm64", "arm"]);
    const releases = (request: Parameters<typeof treesForAll>[1]) => treesForAll(trees, request).map((tree) => tree.release);
    expect(releases(undefined)).toEqual([kernel61().release, kernel612().release]);
    expect(releases("all")).toHaveLength(4);
    expect(releases(parseArchRequest("armhf"))).toEqual([foreignKernel61("armmp").release]);
    expect(releases(parseArchRequest("amd64,arm64"))).toEqual([kernel61().release, kernel612().release, foreignKernel61("arm64").release]);
  });

  it("counts a tree without a readable config as this machine's, and on an arm64 machine the amd64 trees are the foreign ones", () => {
    const trees = [
      { release: "a", kdir: "/a", arch: undefined },
      { release: "b", kdir: "/b", arch: "arm64" },
      { release: "c", kdir: "/c", arch: "x86_64" },
    ];
    expect(treesForAll(trees, undefined, hostArchitecture("x64")).map((tree) => tree.release)).toEqual(["a", "c"]);
    expect(treesForAll(trees, undefined, hostArchitecture("arm64")).map((tree) => tree.release)).toEqual(["a", "b"]);
  });
});
