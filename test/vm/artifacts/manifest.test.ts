import { describe, expect, it } from "vitest";
import { parentDirs, parseManifest, renderManifest } from "../../../src/vm/artifacts/manifest.js";

describe("the artifacts manifest", () => {
  it("round-trips what a run wrote", () => {
    const manifest = { files: ["junit.xml", "sub/deep/log.txt"], dirs: ["sub", "sub/deep"] };
    expect(parseManifest(renderManifest(manifest))).toEqual(manifest);
  });

  it("ignores entries that are not safe relative names, and text that is not a manifest", () => {
    const text = JSON.stringify({ files: ["ok.txt", "../../etc/passwd", "/etc/shadow", 3, "a\u001b"], dirs: ["..", "sub"] });
    expect(parseManifest(text)).toEqual({ files: ["ok.txt"], dirs: ["sub"] });
    expect(parseManifest("not json")).toEqual({ files: [], dirs: [] });
    expect(parseManifest("null")).toEqual({ files: [], dirs: [] });
    expect(parseManifest('{"files":"x"}')).toEqual({ files: [], dirs: [] });
  });

  it("lists the folders files need, parents first", () => {
    expect(parentDirs(["b/c/d.txt", "a.txt", "b/e.txt", "a/x"])).toEqual(["a", "b", "b/c"]);
  });
});
