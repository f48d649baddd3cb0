// `kforge <command> --help` and docs/ must agree: every command has a section headed `## kforge <command path>`
// in some docs/*.md page, whose options table lists the long options --help lists, no more and no fewer.
// A command may have sections in several pages (a feature page adds its options): the union counts.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { createProgram, type ProgramState } from "../../src/cli/program.js";

const docsDir = new URL("../../docs", import.meta.url).pathname;

interface CommandOptions {
  path: string;
  longOptions: string[];
}

// Every command with an action of its own or options; a pure group such as `kernel` has neither.
function listCommands(command: Command, prefix: string[] = []): CommandOptions[] {
  return command.commands.flatMap((sub) => {
    const path = [...prefix, sub.name()];
    const own = sub.commands.length > 0 && sub.options.length === 0 ? [] : [{ path: path.join(" "), longOptions: longOptionsOf(sub) }];
    return [...own, ...listCommands(sub, path)];
  });
}

function longOptionsOf(command: Command): string[] {
  return command.options.map((option) => option.long).filter((long): long is string => long !== undefined && long !== "--help");
}

// Section bodies by command path, from every `## kforge <path>` heading up to the next `## ` heading.
function sectionsOf(markdown: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  for (const chunk of markdown.split(/^(?=## )/m)) {
    const heading = /^## kforge ([a-z][a-z -]*?)\s*$/m.exec(chunk.split("\n")[0]);
    if (heading) sections.set(heading[1], [...(sections.get(heading[1]) ?? []), chunk]);
  }
  return sections;
}

// Long options in the first column of the section's first table (the one right after the heading).
function documentedOptions(section: string): string[] {
  const lines = section.split("\n").slice(1);
  const start = lines.findIndex((line) => line.startsWith("|"));
  if (start === -1) return [];
  const end = lines.findIndex((line, index) => index > start && !line.startsWith("|"));
  const rows = lines.slice(start, end === -1 ? undefined : end);
  return rows.flatMap((row) => [...(row.split("|")[1] ?? "").matchAll(/--[a-z][a-z0-9-]*/g)].map((match) => match[0]));
}

function compareOptions(help: string[], sections: string[]): { missing: string[]; extra: string[] } {
  const documented = new Set(sections.flatMap(documentedOptions));
  return {
    missing: help.filter((option) => !documented.has(option)),
    extra: [...documented].filter((option) => !help.includes(option)),
  };
}

function allSections(): Map<string, string[]> {
  const merged = new Map<string, string[]>();
  for (const page of readdirSync(docsDir).filter((name) => name.endsWith(".md"))) {
    for (const [path, bodies] of sectionsOf(readFileSync(join(docsDir, page), "utf8"))) {
      merged.set(path, [...(merged.get(path) ?? []), ...bodies]);
    }
  }
  return merged;
}

describe("docs/ against --help", () => {
  const state = { context: {} as ProgramState["context"], exitCode: 0 };
  const commands = listCommands(createProgram("0.0.0", state));
  const sections = allSections();

  it("finds the commands (the walk itself works)", () => {
    expect(commands.map((command) => command.path)).toEqual(expect.arrayContaining(["build", "vm", "kernel fetch"]));
  });

  it.each(commands.map((command) => [command.path, command] as const))(
    "kforge %s has a section whose options match --help",
    (path, command) => {
      const found = sections.get(path);
      expect(found, `no "## kforge ${path}" section in any docs/*.md page`).toBeDefined();
      expect(
        compareOptions(command.longOptions, found ?? []),
        `kforge ${path}: options --help lists but docs/ lacks (missing), or documents without --help (extra)`,
      ).toEqual({
        missing: [],
        extra: [],
      });
    },
  );

  it("has no section for a command that does not exist", () => {
    const known = new Set(commands.map((command) => command.path));
    expect([...sections.keys()].filter((path) => !known.has(path))).toEqual([]);
  });

  it("reports a wrong section both ways through the same comparison", () => {
    const wrong =
      "## kforge build\n\n| option | what |\n|---|---|\n| `-k, --kernel <release>` | x |\n| `--colour` | y |\n\nprose with `--json`\n";
    const [section] = sectionsOf(wrong).get("build") ?? [];
    expect(compareOptions(["--kernel", "--json"], [section])).toEqual({ missing: ["--json"], extra: ["--colour"] });
  });

  it("takes the union of a command's sections across pages", () => {
    const first = sectionsOf("## kforge vm\n\n| `--json` | x |\n").get("vm") ?? [];
    const second = sectionsOf("# other page\n\n## kforge vm\n\n| `--module <name>` | y |\n\n## kforge watch\n").get("vm") ?? [];
    expect(compareOptions(["--json", "--module"], [...first, ...second])).toEqual({ missing: [], extra: [] });
    expect(compareOptions(["--json", "--module"], first)).toEqual({ missing: ["--module"], extra: [] });
  });
});
