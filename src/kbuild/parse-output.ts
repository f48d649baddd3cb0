// Pure parser for what `make -C <kdir> M=<dir> modules` prints: kbuild's step lines, gcc and clang
// diagnostics (with their "In function" context, the "In file included from" chain above them and the
// notes after them), rustc's, modpost errors and warnings, linker errors and make's own failures. Fed
// one line at a time so progress can be shown as it happens; never throws.
import { isAbsolute, relative } from "node:path";
import { describeMissingTarget, hintForModpost, moduleNamedByModpost } from "./diagnostic-hints.js";
import { createRustcReader } from "./parse-rustc.js";

export type Severity = "error" | "warning" | "note";

export interface Diagnostic {
  severity: Severity;
  // Relative to the module dir when inside it, absolute otherwise; null when the tool named no file.
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
  // The warning option, e.g. "-Wunused-variable" or "-Werror=return-type".
  flag: string | null;
  // Where the compiler said it was: "In function 'hello_init'".
  context?: string;
  // What to do next, when the message itself does not say.
  hint?: string;
  // "kforge": found by kforge's own checks of what make left behind; the static checkers name themselves.
  origin: "compiler" | "modpost" | "linker" | "make" | "kforge" | "checkpatch" | "sparse" | "coccinelle";
  // gcc's "In file included from a.h:1, from x.c:3": the includer first, the compiled file last.
  includedFrom?: SourcePlace[];
  // The compiler's notes that explain this diagnostic ("note: each undeclared identifier...",
  // "in expansion of macro", rustc's "= help:"), in the order printed.
  notes?: DiagnosticNote[];
}

export interface SourcePlace {
  file: string;
  line: number;
}

export interface DiagnosticNote {
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
}

export type OutputEvent = { kind: "step"; step: string; target: string } | { kind: "diagnostic"; diagnostic: Diagnostic };

export interface KbuildOutputParser {
  // Every event this line produced (zero or one).
  parseLine(line: string): OutputEvent[];
  // All diagnostics so far, with make's generic "Error N" lines kept only when nothing explains them.
  diagnostics(): Diagnostic[];
}

const STEP = /^ {2}([A-Z][A-Z0-9_]*(?: \[M\])?) +(\S.*)$/;
const COMPILER = /^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$/;
const FLAG = / \[(-W[^\]]+)\]$/;
const IN_FUNCTION = /^(.+?): (In (?:function|member function|static function) .*):$/;
const TOOL_MESSAGE = /^([\w.+-]+): (fatal error|error|warning|note): (.*)$/;
const MODPOST = /^(ERROR|WARNING): modpost: (.*)$/;
const LINKER = /^(?:\S+-)?ld(?:\.\w+)?: (.*)$/;
const MAKE_STOP_IN_FILE = /^(.+?):(\d+): \*\*\* (.*?)\.? +Stop\.$/;
const MAKE_STOP = /^make(?:\[\d+\])?: \*\*\* (.*?)\.? +Stop\.$/;
const MAKE_NO_RULE = /^No rule to make target '(.*?)'(?:, needed by '(.*?)')?$/;
const MAKE_RECIPE_FAILED = /^make(?:\[\d+\])?: \*\*\* \[(.*?)\] Error (\d+)$/;
const INCLUDED_FROM = /^(?:In file included|\s+) from (.+?):(\d+)(?::\d+)?[,:]$/;

export function createKbuildOutputParser(dir: string): KbuildOutputParser {
  const found: Diagnostic[] = [];
  const recipeFailures: Diagnostic[] = [];
  let context: { file: string; text: string } | undefined;
  // The include chain being printed, and the one that applies to diagnostics in headers below it.
  let including: SourcePlace[] = [];
  let chain: { places: SourcePlace[]; files: Set<string> } | undefined;
  // The compiler error or warning that notes printed now belong to.
  let owner: Diagnostic | undefined;
  let inRustStep = false;
  const toPath = (path: string) => relativeToDir(dir, path);
  const stripDir = (text: string) => text.split(`${dir}/`).join("");
  const rustc = createRustcReader(toPath);

  const record = (diagnostic: Diagnostic): OutputEvent[] => {
    found.push(diagnostic);
    return [{ kind: "diagnostic", diagnostic }];
  };

  // A compiler line: a note joins the diagnostic it explains, anything else is recorded with its chain.
  const compilerLine = (diagnostic: Diagnostic, rawFile: string): OutputEvent[] => {
    if (chain?.files.has(rawFile)) chain = undefined;
    if (chain) diagnostic.includedFrom = chain.places.map((place) => ({ ...place, file: toPath(place.file) }));
    if (diagnostic.severity === "note" && owner) {
      const { file, line, column, message } = diagnostic;
      owner.notes = [...(owner.notes ?? []), { file, line, column, message }];
      return [];
    }
    if (diagnostic.severity !== "note") owner = diagnostic;
    return record(diagnostic);
  };

  function parseLine(rawLine: string): OutputEvent[] {
    const line = rawLine.replace(/\r$/, "");
    const step = STEP.exec(line);
    if (step) {
      context = undefined;
      chain = undefined;
      owner = undefined;
      inRustStep = /^RUSTC\b/.test(step[1]!);
      return [{ kind: "step", step: step[1]!, target: toPath(step[2]!.trim()) }];
    }
    const included = INCLUDED_FROM.exec(line);
    if (included) {
      if (line.startsWith("In file")) including = [];
      including.push({ file: included[1]!, line: Number(included[2]) });
      if (line.endsWith(":")) chain = { places: including, files: new Set(including.map((place) => place.file)) };
      return [];
    }
    const inFunction = IN_FUNCTION.exec(line);
    if (inFunction) {
      context = { file: inFunction[1]!, text: normalizeQuotes(inFunction[2]!) };
      return [];
    }
    const rust = rustc.read(line, inRustStep);
    if (rust.diagnostic) {
      owner = rust.diagnostic;
      return record(rust.diagnostic);
    }
    if (rust.consumed) return [];
    const compiler = COMPILER.exec(line);
    if (compiler && !line.startsWith("make")) return compilerLine(toCompilerDiagnostic(compiler, context, toPath), compiler[1]!);
    const modpost = MODPOST.exec(line);
    if (modpost) return record(toModpostDiagnostic(modpost, toPath, stripDir));
    const tool = TOOL_MESSAGE.exec(line);
    if (tool && !LINKER.test(line)) return compilerLine(toolDiagnostic(tool[2]!, tool[3]!, "compiler"), tool[1]!);
    const linker = LINKER.exec(line);
    if (linker) return record(toolDiagnostic(linker[1]!.includes("warning:") ? "warning" : "error", stripDir(linker[1]!), "linker"));
    const stopInFile = MAKE_STOP_IN_FILE.exec(line);
    if (stopInFile && !line.startsWith("make")) {
      return record({ ...makeDiagnostic(stripDir(stopInFile[3]!)), file: toPath(stopInFile[1]!), line: Number(stopInFile[2]) });
    }
    const stop = MAKE_STOP.exec(line);
    if (stop) return record(toMakeStopDiagnostic(stop[1]!, toPath, stripDir));
    const recipe = MAKE_RECIPE_FAILED.exec(line);
    if (recipe)
      recipeFailures.push(makeDiagnostic(`make failed building ${stripDir(recipe[1]!.replace(/^.*?: /, ""))} (Error ${recipe[2]})`));
    return [];
  }

  return {
    parseLine,
    diagnostics: () => {
      const hasError = found.some((diagnostic) => diagnostic.severity === "error");
      // make reports every failing level of recursion; the innermost one is the useful one.
      return hasError || recipeFailures.length === 0 ? [...found] : [...found, recipeFailures[0]!];
    },
  };
}

// Convenience for whole transcripts (tests, logs).
export function parseKbuildOutput(text: string, dir: string): { steps: { step: string; target: string }[]; diagnostics: Diagnostic[] } {
  const parser = createKbuildOutputParser(dir);
  const steps: { step: string; target: string }[] = [];
  for (const line of text.split("\n")) {
    for (const event of parser.parseLine(line)) if (event.kind === "step") steps.push({ step: event.step, target: event.target });
  }
  return { steps, diagnostics: parser.diagnostics() };
}

function toCompilerDiagnostic(
  match: RegExpExecArray,
  context: { file: string; text: string } | undefined,
  toPath: (path: string) => string,
): Diagnostic {
  const [, file, line, column, severity, rest] = match;
  const flag = FLAG.exec(rest!);
  const diagnostic: Diagnostic = {
    severity: severity === "note" ? "note" : severity === "warning" ? "warning" : "error",
    file: toPath(file!),
    line: Number(line),
    column: column === undefined ? null : Number(column),
    message: normalizeQuotes(flag ? rest!.slice(0, flag.index) : rest!),
    flag: flag ? flag[1]! : null,
    origin: "compiler",
  };
  if (context && context.file === file) diagnostic.context = context.text;
  return diagnostic;
}

function toModpostDiagnostic(match: RegExpExecArray, toPath: (path: string) => string, stripDir: (text: string) => string): Diagnostic {
  const [, level, message] = match;
  const module = moduleNamedByModpost(message!);
  const diagnostic: Diagnostic = {
    severity: level === "ERROR" ? "error" : "warning",
    file: module === undefined ? null : toPath(module),
    line: null,
    column: null,
    message: stripDir(message!),
    flag: null,
    origin: "modpost",
  };
  const hint = hintForModpost(diagnostic.message);
  if (hint) diagnostic.hint = hint;
  return diagnostic;
}

function toMakeStopDiagnostic(text: string, toPath: (path: string) => string, stripDir: (text: string) => string): Diagnostic {
  const noRule = MAKE_NO_RULE.exec(text);
  if (!noRule) return makeDiagnostic(stripDir(text));
  // The module dir itself ("dir/") becomes "", which describeMissingTarget leaves out.
  const { message, hint } = describeMissingTarget(toPath(noRule[1]!), toPath(noRule[2] ?? "").replace(/\/$/, ""));
  return { ...makeDiagnostic(message), hint };
}

function toolDiagnostic(severity: string, message: string, origin: Diagnostic["origin"]): Diagnostic {
  return {
    severity: severity === "note" ? "note" : severity === "warning" ? "warning" : "error",
    file: null,
    line: null,
    column: null,
    message: normalizeQuotes(message),
    flag: null,
    origin,
  };
}

function makeDiagnostic(message: string): Diagnostic {
  return { severity: "error", file: null, line: null, column: null, message, flag: null, origin: "make" };
}

function relativeToDir(dir: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(dir, path);
  return inside.startsWith("..") || isAbsolute(inside) ? path : inside;
}

// gcc quotes with ‘ ’ under a UTF-8 locale and ' ' under C; kbuild unexports LC_ALL, so either appears.
function normalizeQuotes(text: string): string {
  return text.replace(/[‘’]/g, "'");
}
