import { describe, expect, it } from "vitest";
import { escapeCString } from "../../src/scaffold/c-string.js";

describe("escapeCString", () => {
  it("leaves plain ASCII alone", () => {
    expect(escapeCString("Jane Doe <jane@example.org>")).toBe("Jane Doe <jane@example.org>");
  });

  it("escapes quotes, backslashes and control characters", () => {
    expect(escapeCString('say "hi" \\ done')).toBe('say \\"hi\\" \\\\ done');
    expect(escapeCString("a\nb\tc\rd")).toBe("a\\nb\\tc\\rd");
    expect(escapeCString("bell\u0007")).toBe("bell\\007");
  });

  it("escapes ? so trigraphs such as ??= never reach the compiler", () => {
    expect(escapeCString("what??=")).toBe("what\\?\\?=");
  });

  it("writes non-ASCII as the UTF-8 bytes in three-digit octal, so a following digit stays a digit", () => {
    expect(escapeCString("é1")).toBe("\\303\\2511");
    expect(escapeCString("😀")).toBe("\\360\\237\\230\\200");
  });
});
