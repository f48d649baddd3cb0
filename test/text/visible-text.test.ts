import { describe, expect, it } from "vitest";
import { formatNotice, showControls, showLine } from "../../src/text/visible-text.js";

describe("showControls", () => {
  it("shows a module's escape sequences as text, keeping tabs, newlines and non-ASCII letters", () => {
    expect(showControls("hostile: \x1b]0;retitled\x07\x1b[2Jcleared")).toBe("hostile: \\x1b]0;retitled\\x07\\x1b[2Jcleared");
    expect(showControls("a\tb\nc é ü\r\x00\x7f\u009b")).toBe("a\tb\nc é ü\\x0d\\x00\\x7f\\x9b");
    expect(showLine("one\ntwo")).toBe("one\\ntwo");
    expect(formatNotice("bad \x1b[2J state")).toBe("kforge: bad \\x1b[2J state\n");
  });
});
