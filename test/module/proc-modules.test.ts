import { describe, expect, it } from "vitest";
import { parseProcModules } from "../../src/module/proc-modules.js";
import { decodeTaint, formatTaintLetters, parseTaintValue } from "../../src/module/taint.js";
import { readFixture } from "../helpers/fixtures.js";

describe("parseProcModules on /proc/modules recorded in a 6.12 guest", () => {
  const { modules, malformed } = parseProcModules(readFixture("module/proc-modules-6.12-guest.txt"));
  const byName = (name: string) => modules.find((module) => module.name === name)!;

  it("parses every line", () => {
    expect(malformed).toEqual([]);
    expect(modules).toHaveLength(7);
  });

  it("reads users, permanent, states, taints with their +/- markers, and -1 while unloading", () => {
    expect(byName("provider")).toEqual({
      name: "provider",
      size: 12288,
      refcount: 1,
      usedBy: ["consumer"],
      permanent: false,
      state: "Live",
      address: "0xffffffffc049d000",
      taints: "OE",
    });
    expect(byName("slowexit")).toMatchObject({ refcount: -1, state: "Unloading", taints: "OE" });
    expect(byName("oops")).toMatchObject({ permanent: true, usedBy: [], state: "Loading", taints: "OE" });
    expect(byName("proprietary").taints).toBe("POE");
  });
});

describe("parseProcModules on written lines (procfs.c format) and malformed input", () => {
  const { modules, malformed } = parseProcModules(readFixture("module/proc-modules-written.txt"));

  it("keeps the good lines around the bad ones", () => {
    expect(modules.map((module) => module.name)).toEqual([
      "dm_thin_pool",
      "dm_persistent_data",
      "dm_bio_prison",
      "libcrc32c",
      "nvidia",
      "nouveau_stub",
    ]);
    expect(modules.find((module) => module.name === "libcrc32c")?.usedBy).toEqual(["nf_conntrack", "nf_tables", "btrfs"]);
    expect(modules.find((module) => module.name === "nouveau_stub")?.refcount).toBeUndefined();
  });

  it("reports each malformed line with its number and reason", () => {
    expect(malformed.map((bad) => [bad.line, bad.reason])).toEqual([
      [7, "expected 6 or 7 fields, found 3"],
      [8, 'state "Sleeping" is not Live, Loading or Unloading'],
      [9, 'size "notanumber" is not a number'],
      [10, 'used-by list "a,b" is neither "-" nor comma-terminated names'],
      [11, 'taint field "OE" is not "(LETTERS)"'],
    ]);
  });
});

describe("taint decoding", () => {
  it("decodes the values a real 6.12 guest reported", () => {
    expect(formatTaintLetters(decodeTaint(parseTaintValue("12288\n")!))).toBe("GOE");
    const afterOops = decodeTaint(parseTaintValue("12929")!);
    expect(afterOops.flags.map((flag) => flag.letter)).toEqual(["P", "D", "W", "O", "E"]);
    expect(afterOops.unknownBits).toEqual([]);
  });

  it("reports bits past 19 by number, accepts hex, rejects junk", () => {
    expect(decodeTaint(parseTaintValue("0x100001")!).unknownBits).toEqual([20]);
    expect(decodeTaint(1n << 63n).unknownBits).toEqual([63]);
    expect(decodeTaint(1n << 19n).flags[0]?.letter).toBe("J");
    expect(parseTaintValue("-1")).toBeUndefined();
    expect(parseTaintValue("abc")).toBeUndefined();
    expect(parseTaintValue(String(1n << 64n))).toBeUndefined();
  });
});
