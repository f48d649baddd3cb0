// Prints build diagnostics grouped by file, coloured by severity, each with its source line and a
// caret under the column when the file can be read.
import { readFileSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { showControls } from "../text/visible-text.js";
import type { Diagnostic, DiagnosticNote } from "../kbuild/parse-output.js";
import type { Palette } from "./color.js";

// File path -> its lines; a file missing from the map is shown without source.
export type SourceLines = Map<string, string[]>;

export function loadSourceLines(dir: string, diagnostics: readonly Diagnostic[]): SourceLines {
  const sources: SourceLines = new Map();
  for (const diagnostic of diagnostics) {
    if (!diagnostic.file || diagnostic.line === null || sources.has(diagnostic.file)) continue;
    try {
      sources.set(
        diagnostic.file,
        readFileSync(isAbsolute(diagnostic.file) ? diagnostic.file : join(dir, diagnostic.file), "utf8").split("\n"),
      );
    } catch {
      // unreadable: printed without the source line
    }
  }
  return sources;
}

export interface FormatOptions {
  // gcc counts columns as displayed, a tab moving to the next multiple of 8; clang counts bytes.
  columnUnit?: "display" | "byte";
}

export function formatDiagnostics(
  diagnostics: readonly Diagnostic[],
  palette: Palette,
  sources: SourceLines,
  options: FormatOptions = {},
): string {
  const groups = new Map<string, Diagnostic[]>();
  for (const diagnostic of diagnostics) {
    const key = diagnostic.file ?? "";
    groups.set(key, [...(groups.get(key) ?? []), diagnostic]);
  }
  const blocks: string[] = [];
  for (const [file, group] of groups) blocks.push(formatGroup(file, group, palette, sources.get(file), options.columnUnit ?? "display"));
  return blocks.join("\n");
}

function formatGroup(
  file: string,
  group: readonly Diagnostic[],
  palette: Palette,
  lines: string[] | undefined,
  unit: "display" | "byte",
): string {
  const output = [palette.bold(file || "build")];
  let context: string | undefined;
  let chain: string | undefined;
  for (const diagnostic of group) {
    const included = diagnostic.includedFrom?.map((place) => `${place.file}:${place.line}`).join(", ");
    if (included && included !== chain) output.push(`  ${palette.dim(`In file included from ${included}:`)}`);
    chain = included;
    if (diagnostic.context && diagnostic.context !== context) output.push(`  ${palette.dim(`${diagnostic.context}:`)}`);
    context = diagnostic.context;
    output.push(formatHeadline(diagnostic, palette));
    const source = diagnostic.line !== null ? lines?.[diagnostic.line - 1] : undefined;
    if (source !== undefined) output.push(...formatSource(source, diagnostic, palette, unit));
    for (const note of diagnostic.notes ?? []) output.push(formatNote(note, diagnostic, palette));
    if (diagnostic.hint) output.push(`  ${" ".repeat(7)} ${palette.cyan("hint:")} ${diagnostic.hint}`);
  }
  return `${output.join("\n")}\n`;
}

function formatHeadline(diagnostic: Diagnostic, palette: Palette): string {
  const paint = { error: palette.red, warning: palette.yellow, note: palette.cyan }[diagnostic.severity];
  const position = diagnostic.line === null ? "" : `${diagnostic.line}${diagnostic.column === null ? "" : `:${diagnostic.column}`}`;
  const flag = diagnostic.flag ? ` ${palette.dim(`[${diagnostic.flag}]`)}` : "";
  // Compiler lines speak for themselves, and kforge's own findings should not be blamed on a tool.
  const origin = diagnostic.origin === "compiler" || diagnostic.origin === "kforge" ? "" : `${diagnostic.origin}: `;
  return `  ${position.padEnd(7)} ${paint(diagnostic.severity.padEnd(7))} ${origin}${diagnostic.message}${flag}`;
}

// A note under its diagnostic, with its own place only when it points somewhere else.
function formatNote(note: DiagnosticNote, diagnostic: Diagnostic, palette: Palette): string {
  const elsewhere = note.file !== null && (note.file !== diagnostic.file || note.line !== diagnostic.line);
  const place = elsewhere ? `${note.file}:${note.line ?? ""}${note.column === null ? "" : `:${note.column}`}: ` : "";
  const [, kind, text] = /^(?:(help|note): )?(.*)$/s.exec(note.message)!;
  return `  ${" ".repeat(7)} ${palette.cyan(`${kind ?? "note"}:`)} ${place}${text}`;
}

// The source line is the module's text: a control character in it is shown as \xNN (showControls), never
// written to the terminal as it is.
function formatSource(source: string, diagnostic: Diagnostic, palette: Palette, unit: "display" | "byte"): string[] {
  const gutter = `${diagnostic.line}`.padStart(6);
  const shown = [`  ${palette.dim(`${gutter} |`)} ${showControls(expandTabs(source))}`];
  if (diagnostic.column !== null && diagnostic.column >= 1) {
    const column = unit === "byte" ? expandTabs(source.slice(0, diagnostic.column - 1)).length + 1 : diagnostic.column;
    shown.push(`  ${palette.dim(`${" ".repeat(6)} |`)} ${" ".repeat(column - 1)}${palette.green("^")}`);
  }
  return shown;
}

function expandTabs(text: string): string {
  let expanded = "";
  for (const character of text) expanded += character === "\t" ? " ".repeat(8 - (expanded.length % 8)) : character;
  return expanded;
}
