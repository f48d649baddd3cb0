// Commands are thin and stand alone: a command file (or a command's own folder) never imports another
// command; what two commands share lives in src/cli/ beside them, or in the domain folders.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const commands = new URL("../../src/cli/commands", import.meta.url).pathname;
const importedPaths = (text: string) =>
  [...text.matchAll(/(?:from\s+|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)].map((match) => match[1]!);
// The command a file belongs to: its file name, or the folder of a command with helpers.
const commandOf = (file: string) =>
  relative(commands, file)
    .split("/")[0]!
    .replace(/\.[jt]s$/, "");

function listSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listSources(path) : [path];
  });
}

describe("src/cli/commands", () => {
  it("has no command that imports another", () => {
    const crossing = listSources(commands).flatMap((file) =>
      importedPaths(readFileSync(file, "utf8"))
        .map((specifier) => resolve(dirname(file), specifier))
        .filter((target) => target.startsWith(`${commands}/`) && commandOf(target) !== commandOf(file))
        .map((target) => `${relative(commands, file)} imports ${relative(commands, target)}`),
    );
    expect(crossing).toEqual([]);
  });
});
