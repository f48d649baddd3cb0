// Pure: splits a shell fragment (dkms.conf) into words and control operators the way sh would, without
// running anything: quotes, escapes, comments, line continuations, command substitutions kept whole,
// here-document bodies skipped. The reader in shell-assignments.ts decides what the words mean.

export interface WordPart {
  text: string;
  // Single-quoted and backslash-escaped text is literal; the rest may hold $NAME expansions.
  literal: boolean;
}

export interface WordToken {
  kind: "word";
  parts: WordPart[];
  // As written, quotes included.
  raw: string;
  line: number;
  // A $(...), `...` or $((...)) inside: its value is only known by running it.
  substitution: boolean;
}

export type Operator = ";" | ";;" | "&&" | "||" | "|" | "&" | "(" | ")" | "newline";

export interface OperatorToken {
  kind: "operator";
  operator: Operator;
  line: number;
}

export type ShellToken = WordToken | OperatorToken;

// Joins a word's parts into its text (quotes removed, nothing expanded).
export const wordText = (word: WordToken): string => word.parts.map((part) => part.text).join("");

export function tokenizeShell(text: string): ShellToken[] {
  const lexer = new Lexer(text);
  lexer.run();
  return lexer.tokens;
}

class Lexer {
  readonly tokens: ShellToken[] = [];
  private index = 0;
  private line = 1;
  private parts: WordPart[] = [];
  private raw = "";
  private substitution = false;
  private wordLine = 1;
  private heredocs: { delimiter: string; stripTabs: boolean }[] = [];

  constructor(private readonly text: string) {}

  run(): void {
    while (this.index < this.text.length) this.step();
    this.flush();
  }

  private step() {
    const character = this.text[this.index]!;
    const next = this.text[this.index + 1];
    if (character === "\\" && next === "\n") return this.advance(2, 1);
    if (character === " " || character === "\t" || character === "\r") {
      this.flush();
      return this.advance(1);
    }
    if (character === "\n") return this.newline();
    if (character === "#" && this.raw === "") return this.skipComment();
    if (character === "<" && next === "<" && this.text[this.index + 2] !== "<") return this.heredoc();
    if (character === "(" && this.raw.endsWith("=")) return this.append(this.balanced("(", ")"), false, true);
    if (";&|()".includes(character)) return this.operator(character, next);
    if (character === "'") return this.quoted("'");
    if (character === '"') return this.doubleQuoted();
    if (character === "$" && next === "(") return this.append(this.balanced("(", ")", 1), false, true);
    if (character === "$" && next === "'") {
      this.advance(1);
      return this.quoted("'");
    }
    if (character === "`") return this.append(this.backquoted(), false, true);
    if (character === "\\") {
      const escaped = next ?? "";
      this.raw += `\\${escaped}`;
      this.parts.push({ text: escaped, literal: true });
      return this.advance(2);
    }
    this.append(character, false);
    this.advance(1);
  }

  private advance(count: number, lines = 0): void {
    this.index += count;
    this.line += lines;
  }

  private startWord(): void {
    if (this.raw === "") this.wordLine = this.line;
  }

  // Adds unquoted (or substituted) text to the current word.
  private append(text: string, literal: boolean, substitution = false): void {
    this.startWord();
    this.raw += text;
    const last = this.parts.at(-1);
    if (last && !last.literal && !literal) last.text += text;
    else this.parts.push({ text, literal });
    if (substitution) this.substitution = true;
  }

  private flush(): void {
    if (this.raw === "") return;
    this.tokens.push({ kind: "word", parts: this.parts, raw: this.raw, line: this.wordLine, substitution: this.substitution });
    this.parts = [];
    this.raw = "";
    this.substitution = false;
  }

  private operator(character: string, next: string | undefined): void {
    this.flush();
    const pair = `${character}${next ?? ""}`;
    const operator = (["&&", "||", ";;"].includes(pair) ? pair : character) as Operator;
    this.tokens.push({ kind: "operator", operator, line: this.line });
    this.advance(operator.length);
  }

  private newline(): void {
    this.flush();
    this.tokens.push({ kind: "operator", operator: "newline", line: this.line });
    this.advance(1, 1);
    for (const heredoc of this.heredocs.splice(0)) this.skipHeredocBody(heredoc);
  }

  private skipComment(): void {
    while (this.index < this.text.length && this.text[this.index] !== "\n") this.index++;
  }

  // `<<EOF` / `<<-'EOF'`: the delimiter is remembered and the body skipped after the line ends.
  private heredoc(): void {
    this.flush();
    this.advance(2);
    const stripTabs = this.text[this.index] === "-";
    if (stripTabs) this.advance(1);
    while (this.text[this.index] === " " || this.text[this.index] === "\t") this.advance(1);
    const match = /^(['"]?)([^\s'";&|()<>]+)\1/.exec(this.text.slice(this.index));
    if (!match) return;
    this.heredocs.push({ delimiter: match[2]!, stripTabs });
    this.advance(match[0].length);
  }

  private skipHeredocBody(heredoc: { delimiter: string; stripTabs: boolean }): void {
    while (this.index < this.text.length) {
      const end = this.text.indexOf("\n", this.index);
      const stop = end === -1 ? this.text.length : end;
      const line = this.text.slice(this.index, stop);
      this.index = stop + 1;
      this.line++;
      if ((heredoc.stripTabs ? line.replace(/^\t+/, "") : line) === heredoc.delimiter) return;
    }
  }

  // 'text' (also $'text', read the same way: its escapes are rare in dkms.conf).
  private quoted(quote: string): void {
    this.startWord();
    const end = this.text.indexOf(quote, this.index + 1);
    const stop = end === -1 ? this.text.length : end;
    const body = this.text.slice(this.index + 1, stop);
    this.raw += `${quote}${body}${quote}`;
    this.parts.push({ text: body, literal: true });
    this.advance(stop + 1 - this.index, countLines(body));
  }

  private doubleQuoted(): void {
    this.startWord();
    this.raw += '"';
    this.advance(1);
    let body = "";
    const push = (text: string, literal: boolean) => {
      if (literal) {
        if (body) this.parts.push({ text: body, literal: false });
        body = "";
        this.parts.push({ text, literal: true });
      } else body += text;
    };
    while (this.index < this.text.length && this.text[this.index] !== '"') {
      const character = this.text[this.index]!;
      const next = this.text[this.index + 1] ?? "";
      if (character === "\\" && '$`"\\\n'.includes(next)) {
        this.raw += `\\${next}`;
        if (next !== "\n") push(next, true);
        this.advance(2, next === "\n" ? 1 : 0);
      } else if (character === "$" && next === "(") {
        const substituted = this.balanced("(", ")", 1);
        this.raw += substituted;
        this.substitution = true;
        push(substituted, false);
      } else if (character === "`") {
        const substituted = this.backquoted();
        this.raw += substituted;
        this.substitution = true;
        push(substituted, false);
      } else {
        this.raw += character;
        push(character, false);
        this.advance(1, character === "\n" ? 1 : 0);
      }
    }
    if (body) this.parts.push({ text: body, literal: false });
    this.raw += '"';
    this.advance(1);
  }

  // Text from an opening bracket (after `skip` leading characters) to its matching close, quotes respected.
  private balanced(open: string, close: string, skip = 0): string {
    const start = this.index;
    this.advance(skip);
    let depth = 0;
    while (this.index < this.text.length) {
      const character = this.text[this.index]!;
      if (character === "\\") this.advance(2);
      else if (character === "'" || character === '"') {
        const end = this.text.indexOf(character, this.index + 1);
        const stop = end === -1 ? this.text.length : end;
        this.advance(stop + 1 - this.index, countLines(this.text.slice(this.index, stop)));
      } else {
        if (character === open) depth++;
        if (character === close) depth--;
        this.advance(1, character === "\n" ? 1 : 0);
        if (depth === 0) break;
      }
    }
    return this.text.slice(start, this.index);
  }

  private backquoted(): string {
    const start = this.index;
    this.advance(1);
    while (this.index < this.text.length && this.text[this.index] !== "`") {
      const character = this.text[this.index]!;
      this.advance(character === "\\" ? 2 : 1, character === "\n" ? 1 : 0);
    }
    this.advance(1);
    return this.text.slice(start, this.index);
  }
}

const countLines = (text: string) => text.split("\n").length - 1;
