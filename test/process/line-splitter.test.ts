import { describe, expect, it } from "vitest";
import { LineSplitter } from "../../src/process/line-splitter.js";

describe("LineSplitter", () => {
  it("cuts a stream into lines whatever the chunks, and passes the last line on flush", () => {
    const lines: string[] = [];
    const splitter = new LineSplitter(100, (line) => lines.push(line));
    for (const chunk of ["on", "e\ntw", "o\n\nthr", "ee"]) splitter.push(chunk);
    splitter.flush();
    expect(lines).toEqual(["one", "two", "", "three"]);
  });

  it("holds at most maxChars of a line that never ends, and marks it cut", () => {
    const lines: [string, boolean][] = [];
    const splitter = new LineSplitter(10, (line, cut) => lines.push([line, cut]));
    for (let count = 0; count < 10_000; count++) splitter.push("x".repeat(1000));
    splitter.push("tail\nnext\n");
    expect(lines).toEqual([
      ["x".repeat(10), true],
      ["next", false],
    ]);
  });
});
