import { describe, expect, it } from "vitest";
import { characterColumn, ruleFromMessage } from "../../src/check/text.js";

describe("text helpers", () => {
  it("turns a display column (tabs to multiples of 8) into a character column", () => {
    expect(characterColumn("\treturn *address;", 17)).toBe(10);
    expect(characterColumn("\tint unused;", 13)).toBe(6);
    expect(characterColumn("        x", 9)).toBe(9);
    expect(characterColumn("a\tb", 9)).toBe(3);
  });

  it("names a rule from a message without its numbers and quoted names", () => {
    expect(ruleFromMessage("symbol 'hello_count' was not declared. Should it be static?")).toBe(
      "symbol-was-not-declared-should-it-be-static",
    );
    expect(ruleFromMessage("incorrect type in argument 2 (different address spaces)")).toBe(
      "incorrect-type-in-argument-different-address-spaces",
    );
  });
});
