// The grep query of a semantic patch, as spatch --parse-cocci prints it, and the test of a project's text.
import { describe, expect, it } from "vitest";
import { grepQueryLine, mayMatch, readQuery } from "../../src/check/grep-query.js";

describe("grepQueryLine", () => {
  it("takes the line after the Grep query heading, and none when spatch says there is no query", () => {
    expect(grepQueryLine("@r@\nexpression e;\n@@\n\nGrep query\nmemcpy || kzalloc || kmalloc\n")).toBe("memcpy || kzalloc || kmalloc");
    expect(grepQueryLine("@r@\n@@\n\n\nNo grep query\n")).toBeUndefined();
  });
});

describe("readQuery", () => {
  it("reads ||, && and parentheses, && binding tighter", () => {
    expect(readQuery("a || b")).toEqual({ any: [{ token: "a" }, { token: "b" }] });
    expect(readQuery("a || b && c")).toEqual({ any: [{ token: "a" }, { all: [{ token: "b" }, { token: "c" }] }] });
    expect(readQuery("(a || b) && __GFP_NOWARN")).toEqual({
      all: [{ any: [{ token: "a" }, { token: "b" }] }, { token: "__GFP_NOWARN" }],
    });
  });

  it("refuses what it does not know, so that the patch runs", () => {
    for (const text of ["", "a ||", "(a || b", "a | b", "a || b)", "a !b", "a.b || c"]) expect(readQuery(text), text).toBeUndefined();
  });
});

describe("mayMatch", () => {
  const query = readQuery("(copy_from_user || memdup) && kmalloc")!;

  it("needs the query's tokens somewhere in the text", () => {
    expect(mayMatch(query, "p = kmalloc(n, GFP_KERNEL);\nif (copy_from_user(p, u, n))")).toBe(true);
    expect(mayMatch(query, "p = kmalloc(n, GFP_KERNEL);")).toBe(false);
    expect(mayMatch(query, "if (copy_from_user(p, u, n))")).toBe(false);
  });

  it("counts a token inside a longer word or a comment, never fewer files than spatch tries", () => {
    expect(mayMatch(readQuery("kfree")!, "my_kfree_wrapper(p);")).toBe(true);
    expect(mayMatch(readQuery("kfree")!, "/* kfree later */")).toBe(true);
  });
});
