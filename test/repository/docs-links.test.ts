// Every relative link in README.md and docs/*.md points at a file that exists, and a #fragment at a
// heading of that file, so the README's command table and the pages' cross-references never dangle.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const repository = new URL("../..", import.meta.url).pathname;
const pages = [
  "README.md",
  ...readdirSync(join(repository, "docs"))
    .filter((name) => name.endsWith(".md"))
    .map((name) => `docs/${name}`),
];

// Pure: GitHub's anchor for a heading: lowercase, punctuation dropped, spaces to dashes.
function headingAnchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, "")
    .replace(/ /g, "-");
}

// Pure: the anchors of a Markdown text's headings, outside fenced code blocks.
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  let isInFence = false;
  for (const line of markdown.split("\n")) {
    if (line.trimStart().startsWith("```")) isInFence = !isInFence;
    const heading = isInFence ? undefined : /^#{1,6} (.*)$/.exec(line);
    if (heading) anchors.add(headingAnchor(heading[1]!));
  }
  return anchors;
}

// Pure: the targets of inline links `[text](target)` that are not absolute URLs.
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, "").replace(/`[^`\n]*`/g, "");
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!).filter((target) => !/^[a-z]+:/.test(target));
}

function brokenLinks(page: string): string[] {
  const text = readFileSync(join(repository, page), "utf8");
  return relativeLinks(text).flatMap((target) => {
    const [path, fragment] = target.split("#") as [string, string | undefined];
    const file = path === "" ? join(repository, page) : join(repository, dirname(page), path);
    if (!existsSync(file)) return [`${page}: ${target} (no such file)`];
    if (fragment === undefined || !file.endsWith(".md")) return [];
    return anchorsOf(readFileSync(file, "utf8")).has(fragment)
      ? []
      : [`${page}: ${target} (no heading #${fragment} in ${relative(repository, file)})`];
  });
}

describe("links in README.md and docs/", () => {
  it("spells anchors as GitHub does", () => {
    expect(headingAnchor("kforge kernel fetch")).toBe("kforge-kernel-fetch");
    expect(headingAnchor("`--json`")).toBe("--json");
    expect(headingAnchor("Speed, acceleration and the guest channel")).toBe("speed-acceleration-and-the-guest-channel");
  });

  it("finds a broken file link and a broken anchor", () => {
    const text = "[a](docs/none.md) [b](#missing) `[c](ignored.md)`\n# Present\n";
    expect(relativeLinks(text)).toEqual(["docs/none.md", "#missing"]);
    expect(anchorsOf(text).has("present")).toBe(true);
    expect(anchorsOf(text).has("missing")).toBe(false);
  });

  it("has no broken relative link", () => {
    // The README's command table links each command to its section.
    expect(relativeLinks(readFileSync(join(repository, "README.md"), "utf8"))).toContain("docs/building.md#kforge-build");
    expect(pages.flatMap(brokenLinks)).toEqual([]);
  });
});
