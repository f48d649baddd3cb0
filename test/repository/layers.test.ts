// The folders under src/ are layers, and imports only point down (or sideways within a layer), so a
// newcomer can read the code from the bottom up and no low-level module drags in the CLI.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

// Highest first. A folder missing here fails the test: say where a new one belongs.
const LAYERS: string[][] = [
  ["cli"],
  ["ui", "doctor", "report", "ci"],
  ["watch", "vm"],
  ["loader", "install", "editor", "check"],
  // dkms beside kbuild: a build through dkms.conf's MAKE[] reads it (kbuild/build-command.ts).
  ["kbuild", "scaffold", "guest-kernel", "project", "dkms", "coverage"],
  ["kernel", "module", "config", "kernel-log"],
  ["process", "fs", "text"],
  ["errors.ts"],
];

const src = new URL("../../src", import.meta.url).pathname;

const rankOf = (entry: string) => LAYERS.findIndex((layer) => layer.includes(entry));
const topEntry = (file: string) => relative(src, file).split("/")[0].replace(/\.js$/, ".ts");

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listSources(path) : entry.name.endsWith(".ts") ? [path] : [];
  });
}

// Relative specifiers of static and dynamic imports and re-exports.
function importedPaths(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]);
}

// The README's layer list: one bullet per layer, its folders in backquotes before the colon.
function readmeLayers(): string[][] {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const list = readme.slice(readme.indexOf("the folders are layers, highest first"));
  const bullets = list
    .slice(0, list.search(/\n\n(?!- )/))
    .split("\n")
    .filter((line) => line.startsWith("- "));
  return bullets.map((line) => [...line.split(":")[0]!.matchAll(/`([^`]+)`/g)].map((match) => match[1]!));
}

describe("layers under src/", () => {
  it("are the layers the README lists, in its order", () => {
    expect(readmeLayers()).toEqual(LAYERS);
  });

  const files = listSources(src);

  it("places every top-level folder in a layer", () => {
    const unplaced = [...new Set(files.map(topEntry))].filter((entry) => rankOf(entry) === -1);
    expect(unplaced).toEqual([]);
  });

  it("reads static and dynamic imports", () => {
    expect(importedPaths(`import { a } from "../cli/context.js";\nconst b = await import("../ui/color.js");`)).toEqual([
      "../cli/context.js",
      "../ui/color.js",
    ]);
  });

  it("has no import that points up", () => {
    const upward = files.flatMap((file) => {
      const from = topEntry(file);
      return importedPaths(readFileSync(file, "utf8"))
        .map((specifier) => topEntry(resolve(dirname(file), specifier)))
        .filter((to) => rankOf(to) < rankOf(from))
        .map((to) => `${relative(src, file)} imports from ${to}/`);
    });
    expect(upward).toEqual([]);
  });
});
