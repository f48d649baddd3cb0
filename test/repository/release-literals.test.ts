// Guards the suite against rot: no test or benchmark outside test/fixtures/ may name the release of a
// kernel installed on the machine running it, as text or as a regular expression. Such a name is an
// expectation about one machine on one day; Debian moves its point releases every few weeks.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { installedKernels, releasePattern } from "../helpers/kernels.js";

const repo = new URL("../..", import.meta.url).pathname;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return relative(repo, path) === join("test", "fixtures") ? [] : listFiles(path);
    return /\.(ts|mjs|js|sh)$/.test(entry.name) ? [path] : [];
  });
}

// The spellings a release takes in source: plain, and escaped for a RegExp literal or string.
const spellings = (release: string) => [release, releasePattern(release), releasePattern(release).replaceAll("\\", "\\\\")];

const namedReleases = (text: string) =>
  installedKernels().filter((kernel) => spellings(kernel.release).some((spelling) => text.includes(spelling)));

describe("release names in tests and benchmarks", () => {
  const files = [...listFiles(join(repo, "test")), ...listFiles(join(repo, "bench"))];

  it("finds the installed kernels and the files to check", () => {
    expect(installedKernels().length).toBeGreaterThan(0);
    expect(files.some((file) => file.endsWith("release-literals.test.ts"))).toBe(true);
  });

  it("flags a release written as text or as a pattern", () => {
    const [kernel] = installedKernels();
    expect(namedReleases(`expect(x).toBe("${kernel.release}")`)).toEqual([kernel]);
    expect(namedReleases(`expect(x).toMatch(/${releasePattern(kernel.release)}/)`)).toEqual([kernel]);
    expect(namedReleases(`expect(x).toBe("${kernel.release.replace(/\d+/, "850")}")`)).toEqual([]);
  });

  it("names no installed release outside test/fixtures/", () => {
    const offenders = files.flatMap((file) =>
      namedReleases(readFileSync(file, "utf8")).map((kernel) => `${relative(repo, file)} names ${kernel.release}`),
    );
    expect(offenders).toEqual([]);
  });
});
