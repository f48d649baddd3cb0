// Pure: what a static reading of a shell fragment (dkms.conf, which DKMS sources) can prove about its
// variables, without running it. Only a plain assignment at the top level is certain; one under an
// `if`, a `case`, a loop, a function, a subshell or after `&&`/`||` may or may not happen, and one
// whose value runs a command is only known by running it. Both make the variable unknown.
import { tokenizeShell, wordText, type ShellToken, type WordToken } from "./shell-words.js";

export interface ShellAssignment {
  // NAME or NAME[i], as written.
  name: string;
  // Quotes removed, $NAME and ${NAME} of variables known at that point expanded; others left as written.
  value: string;
  line: number;
  // Why a static reading cannot prove this value, e.g. "it is set under the shell `if` at line 4".
  unknown?: string;
}

export interface ShellValues {
  known: Map<string, string>;
  // Variables the fragment sets in a way a static reading cannot evaluate, with the reason.
  unknown: Map<string, string>;
  assignments: ShellAssignment[];
}

interface Frame {
  kind: "if" | "loop" | "case" | "function" | "subshell" | "brace";
  // Why commands inside it are not certain to run; undefined for a plain `{ ...; }` group.
  reason: string | undefined;
  // case: waiting for `in`, reading a pattern, or in a branch.
  caseState?: "subject" | "pattern" | "body";
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*(?:\[[^\]=]*\])?)\+?=/;
const DECLARATIONS = new Set(["export", "readonly", "declare", "typeset", "local"]);
const OPENERS: Record<string, Frame["kind"]> = { if: "if", while: "loop", until: "loop", for: "loop", select: "loop", case: "case" };
const CLOSERS: Record<string, Frame["kind"]> = { fi: "if", done: "loop", esac: "case", "}": "brace" };

export function readShellValues(text: string): ShellValues {
  const reader = new Reader();
  for (const token of tokenizeShell(text)) reader.take(token);
  reader.endCommand();
  return { known: reader.known, unknown: reader.unknown, assignments: reader.assignments };
}

// The variables a static reading proves, NAME or NAME[i] -> value.
export const parseDkmsAssignments = (text: string): Map<string, string> => readShellValues(text).known;

// Expands $NAME and ${NAME} from `values`; references to anything else stay as written.
export function expandVariables(text: string, values: ReadonlyMap<string, string>): string {
  return text.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g, (whole, braced, bare) => {
    const value = values.get(braced ?? bare);
    return value ?? whole;
  });
}

class Reader {
  readonly known = new Map<string, string>();
  readonly unknown = new Map<string, string>();
  readonly assignments: ShellAssignment[] = [];
  private readonly stack: Frame[] = [];
  private atStart = true;
  // && / || / | before this command: it may not run, or runs in a subshell.
  private linkReason: string | undefined;
  private pending: { word: WordToken; reason: string | undefined }[] = [];
  private declaration = false;
  private skipUntil: "do" | undefined;
  private functionName: string | undefined;
  // After the `function` keyword: the next word names the function.
  private functionKeyword = false;
  private previousWord: WordToken | undefined;

  take(token: ShellToken): void {
    if (token.kind === "operator") this.operator(token.operator, token.line);
    else this.word(token);
  }

  endCommand(): void {
    for (const { word, reason } of this.pending) this.assign(word, reason);
    this.pending = [];
    this.declaration = false;
  }

  private get caseFrame(): Frame | undefined {
    const top = this.stack.at(-1);
    return top?.kind === "case" ? top : undefined;
  }

  private operator(operator: string, line: number): void {
    this.endCommand();
    const previous = this.previousWord;
    this.previousWord = undefined;
    if (operator === "(" && this.functionName !== undefined) return;
    if (operator === "(" && !this.atStart && previous) {
      // name() { ...; }: a function, which runs only when called.
      this.functionName = wordText(previous);
      return;
    }
    if (operator === ")") {
      if (this.caseFrame?.caseState === "pattern") this.caseFrame.caseState = "body";
      else if (this.stack.at(-1)?.kind === "subshell") this.stack.pop();
      this.atStart = true;
      this.linkReason = undefined;
      return;
    }
    if (operator === "(") {
      if (this.caseFrame?.caseState === "pattern") return;
      this.stack.push({ kind: "subshell", reason: `it is set inside a subshell at line ${line}, which cannot set the file's variables` });
    }
    if (operator === ";;" && this.caseFrame) this.caseFrame.caseState = "pattern";
    this.atStart = true;
    this.linkReason =
      operator === "&&" || operator === "||"
        ? `it is set after \`${operator}\` on line ${line}, so only when the command before it ${operator === "&&" ? "succeeds" : "fails"}`
        : operator === "|"
          ? `it is set in a pipeline on line ${line}, which runs in a subshell`
          : undefined;
  }

  private word(word: WordToken) {
    const text = wordText(word);
    this.previousWord = word;
    const frame = this.caseFrame;
    if (frame?.caseState === "subject") {
      if (text === "in") frame.caseState = "pattern";
      return;
    }
    if (frame?.caseState === "pattern" && text !== "esac") return;
    if (this.skipUntil) {
      if (text === this.skipUntil) this.skipUntil = undefined;
      if (text === "do") this.atStart = true;
      return;
    }
    if (!this.atStart) return this.argument(word);
    this.commandWord(word, text);
  }

  private commandWord(word: WordToken, text: string): void {
    const line = word.line;
    const opener = OPENERS[text];
    if (opener) {
      const reason =
        opener === "if"
          ? `it is set under the shell \`if\` at line ${line}`
          : opener === "case"
            ? `it is set inside a \`case\` at line ${line}`
            : `it is set inside a loop at line ${line}`;
      this.stack.push({ kind: opener, reason: this.linkReason ?? reason, ...(opener === "case" ? { caseState: "subject" } : {}) });
      if (text === "for" || text === "select") this.skipUntil = "do";
      return;
    }
    if (["then", "do", "else", "elif", "!"].includes(text)) return;
    const closer = CLOSERS[text];
    if (closer) {
      const index = this.stack.map((item) => item.kind === closer || (closer === "brace" && item.kind === "function")).lastIndexOf(true);
      if (index !== -1) this.stack.splice(index);
      this.atStart = false;
      return;
    }
    if (text === "{") {
      const name = this.functionName;
      this.functionName = undefined;
      this.stack.push(
        name === undefined
          ? { kind: "brace", reason: this.linkReason }
          : { kind: "function", reason: `it is set inside the function ${name} (line ${line}), which runs only when called` },
      );
      return;
    }
    if (text === "function") {
      this.skipUntil = undefined;
      this.atStart = false;
      this.declaration = false;
      this.functionKeyword = true;
      return;
    }
    this.atStart = false;
    if (DECLARATIONS.has(text)) {
      this.declaration = true;
      return;
    }
    if (ASSIGNMENT.test(word.raw)) this.pending.push({ word, reason: this.reason() });
  }

  private argument(word: WordToken): void {
    if (this.functionKeyword) {
      this.functionKeyword = false;
      this.functionName = wordText(word);
      this.atStart = true;
      return;
    }
    if (ASSIGNMENT.test(word.raw) && (this.declaration || this.pending.length > 0)) {
      this.pending.push({ word, reason: this.reason() });
      return;
    }
    // NAME=value command ...: the assignments only set the command's environment.
    if (!this.declaration) this.pending = [];
  }

  // The outermost enclosing construct that makes a command uncertain, else the && / || before it.
  private reason(): string | undefined {
    return this.stack.find((frame) => frame.reason !== undefined)?.reason ?? this.linkReason;
  }

  private assign(word: WordToken, reason: string | undefined): void {
    const name = ASSIGNMENT.exec(word.raw)![1]!;
    const appended = ASSIGNMENT.exec(word.raw)![0].endsWith("+=");
    const value = (appended ? (this.known.get(name) ?? "") : "") + this.value(word);
    let unknown = reason;
    if (!unknown && word.substitution) unknown = `its value runs a command (line ${word.line}), which kforge never does`;
    if (!unknown && /^[A-Za-z_][A-Za-z0-9_]*=\(/.test(word.raw)) unknown = `it is a shell array (line ${word.line})`;
    if (!unknown) unknown = this.dependsOnUnknown(value);
    this.assignments.push({ name, value, line: word.line, ...(unknown ? { unknown } : {}) });
    if (unknown) {
      this.unknown.set(name, unknown);
      this.known.delete(name);
    } else {
      this.known.set(name, value);
      this.unknown.delete(name);
    }
  }

  // The word after NAME=, expanded where it is not single-quoted or escaped.
  private value(word: WordToken): string {
    const name = ASSIGNMENT.exec(word.raw)![0]!;
    let skip = name.length;
    let value = "";
    for (const part of word.parts) {
      const text = part.text.slice(Math.min(skip, part.text.length));
      skip = Math.max(0, skip - part.text.length);
      value += part.literal ? text : expandVariables(text, this.known);
    }
    return value;
  }

  private dependsOnUnknown(value: string): string | undefined {
    for (const match of value.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) {
      const reason = this.unknown.get(match[1]!);
      if (reason) return `it uses $${match[1]}, which a static reading cannot know (${reason})`;
    }
    return undefined;
  }
}
