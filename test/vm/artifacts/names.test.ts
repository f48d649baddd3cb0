import { describe, expect, it } from "vitest";
import { checkArtifactName, checkHexName } from "../../../src/vm/artifacts/names.js";

const check = (name: string) => checkArtifactName(Buffer.from(name));

describe("checkArtifactName", () => {
  it("takes relative paths of ordinary components, non-ASCII letters included", () => {
    for (const name of ["junit.xml", "sub/deep/log.txt", ".hidden", "résultat ü.txt", "a..b"])
      expect(check(name)).toEqual({ ok: true, path: name });
  });

  it("refuses names that would leave the dir", () => {
    for (const name of ["../x", "a/../../x", "..", "/etc/passwd", "a//b", "./a", "a/", ""])
      expect(check(name)).toMatchObject({ ok: false, reason: expect.stringMatching(/absolute|empty, \. or \.\./) });
  });

  it("refuses control characters and shows them escaped", () => {
    expect(check("esc\x1b]0;title\x07")).toEqual({ ok: false, shown: "esc\\x1b]0;title\\x07", reason: "the name has control characters" });
    expect(check("two\nlines")).toMatchObject({ ok: false, shown: "two\\nlines" });
    expect(check("c1\u009bcsi")).toMatchObject({ ok: false, shown: "c1\\x9bcsi" });
  });

  it("refuses bytes that are not UTF-8, shown as escapes", () => {
    expect(checkArtifactName(Buffer.from([0x61, 0xff, 0x1b]))).toEqual({
      ok: false,
      shown: "a\\xff\\x1b",
      reason: "the name is not UTF-8",
    });
  });

  it("refuses overlong names and kforge's own manifest", () => {
    expect(check("x".repeat(256))).toMatchObject({ ok: false, reason: expect.stringContaining("255 bytes") });
    expect(check(`${"x/".repeat(600)}x`)).toMatchObject({ ok: false, reason: expect.stringContaining("1024 bytes") });
    expect(check(".kforge-artifacts.json")).toMatchObject({ ok: false, reason: expect.stringContaining("manifest") });
    expect(check("sub/.kforge-artifacts.json")).toMatchObject({ ok: true });
  });

  it("reads names from the listing's hex", () => {
    expect(checkHexName(Buffer.from("sub/a.xml").toString("hex"))).toEqual({ ok: true, path: "sub/a.xml" });
    expect(checkHexName(Buffer.from("../a").toString("hex"))).toMatchObject({ ok: false });
  });
});
