// Biome's lineWidth (140, biome.json) cannot break a long string, template or comment: this keeps them within it.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const LINE_WIDTH = 140;
const repo = new URL("../..", import.meta.url).pathname;

const files = execFileSync("git", ["ls-files", "-z", "--", "src", "test", "bench", "scripts"], { cwd: repo, encoding: "utf8" })
  .split("\0")
  .filter((file) => /\.(ts|mjs|sh)$/.test(file) && !file.startsWith("test/fixtures/"));

describe("line width", () => {
  it(`keeps every line of src/, test/, bench/ and scripts/ within ${LINE_WIDTH} characters`, () => {
    expect(files.some((file) => file.endsWith("line-width.test.ts"))).toBe(true);
    const long = files.flatMap((file) =>
      readFileSync(join(repo, file), "utf8")
        .split("\n")
        .flatMap((line, index) => (line.length > LINE_WIDTH ? [`${file}:${index + 1} (${line.length})`] : [])),
    );
    expect(long).toEqual([]);
  });
});
