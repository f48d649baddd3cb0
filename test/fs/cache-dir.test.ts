// Where kforge's cache is: XDG_CACHE_HOME when it is an absolute path, else ~/.cache. A relative one
// is ignored, as the XDG base directory specification says, so the cache never lands in a module dir.
import { describe, expect, it } from "vitest";
import { fetchedKernelDir, kforgeCacheDir } from "../../src/fs/cache-dir.js";

describe("kforge's cache dir", () => {
  it("follows an absolute XDG_CACHE_HOME and ignores a relative one", () => {
    expect(kforgeCacheDir({ XDG_CACHE_HOME: "/var/cache/me", HOME: "/home/me" })).toBe("/var/cache/me/kforge");
    expect(kforgeCacheDir({ XDG_CACHE_HOME: "cache", HOME: "/home/me" })).toBe("/home/me/.cache/kforge");
    expect(kforgeCacheDir({ XDG_CACHE_HOME: "", HOME: "/home/me" })).toBe("/home/me/.cache/kforge");
    expect(fetchedKernelDir("6.1.0-1-amd64", { HOME: "/home/me" })).toBe("/home/me/.cache/kforge/kernels/6.1.0-1-amd64");
  });
});
