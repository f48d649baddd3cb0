// Pure: just enough of Kconfig and kbuild Makefiles to turn "the project needs videodev.ko" into the
// options that build it: the Makefile line `obj-$(CONFIG_VIDEO_DEV) += videodev.o` names the symbol,
// and the Kconfig tree (followed through `source`, with the `if` and `menu ... depends on` around
// each entry) names what that symbol depends on.

export interface KconfigSymbol {
  type: "bool" | "tristate" | "other";
  // Only a symbol with a prompt can be set from a fragment; the others follow their defaults.
  hasPrompt: boolean;
  // Its own `depends on` expressions and those of the blocks around it.
  depends: string[];
}

// Reads a file of the source tree by its path from the top ("drivers/media/Kconfig"), or undefined.
export type SourceReader = (path: string) => string | undefined;

// Joins kbuild's backslash-continued lines.
const logicalLines = (text: string): string[] => text.replace(/\\\n/g, " ").split("\n");

// Pure: the CONFIG symbol whose obj-$(CONFIG_X) line builds `object` (e.g. "videodev") in a Makefile.
export function objectSymbol(makefile: string, object: string): string | undefined {
  for (const line of logicalLines(makefile)) {
    const match = /^\s*obj-\$\(CONFIG_(\w+)\)\s*[+:]?=\s*(.*)$/.exec(line);
    if (match && match[2]!.split(/\s+/).includes(`${object}.o`)) return match[1];
  }
  return undefined;
}

interface Block {
  depends: string[];
}

// Pure: every config symbol reachable from the top Kconfig, for the given SRCARCH (x86).
export function parseKconfigTree(read: SourceReader, sourceArch: string): Map<string, KconfigSymbol> {
  const symbols = new Map<string, KconfigSymbol>();
  const stack: Block[] = [];
  const visit = (path: string) => {
    const text = read(path);
    if (text === undefined) return;
    let current: { depends: string[]; symbol?: KconfigSymbol } | undefined;
    for (const raw of withoutHelpTexts(logicalLines(text))) {
      const line = raw.replace(/#.*$/, "").trim();
      if (line === "") continue;
      const words = line.split(/\s+/);
      const rest = line.slice(words[0]!.length).trim();
      if (/^[or]?source$/.test(words[0]!)) {
        const target = rest.replace(/^"|"$/g, "").replaceAll("$(SRCARCH)", sourceArch);
        visit(words[0] === "rsource" ? `${path.replace(/[^/]*$/, "")}${target}` : target);
      } else if (words[0] === "if") stack.push({ depends: [rest] });
      else if (words[0] === "menu" || words[0] === "choice") {
        current = { depends: [] };
        stack.push(current);
      } else if (["endif", "endmenu", "endchoice"].includes(words[0]!)) stack.pop();
      else if (words[0] === "config" || words[0] === "menuconfig") {
        const symbol: KconfigSymbol = { type: "other", hasPrompt: false, depends: stack.flatMap((block) => block.depends) };
        // A symbol defined in several places: any definition with a prompt makes it settable.
        const known = symbols.get(words[1]!);
        symbols.set(words[1]!, known ? { ...known, depends: [...known.depends, ...symbol.depends] } : symbol);
        current = { depends: symbol.depends, symbol: symbols.get(words[1]!) };
      } else if (current) readAttribute(words[0]!, rest, current);
    }
  };
  visit("Kconfig");
  return symbols;
}

const indentOf = (line: string) => line.replace(/\t/g, "        ").search(/\S/);

// Help texts are free prose ("if unsure, say N"): everything indented deeper than their first line.
function withoutHelpTexts(lines: string[]): string[] {
  const kept: string[] = [];
  let helpIndent: number | undefined;
  let inHelp = false;
  for (const line of lines) {
    if (inHelp) {
      if (line.trim() === "") continue;
      helpIndent ??= indentOf(line);
      if (indentOf(line) >= helpIndent) continue;
      inHelp = false;
    }
    if (/^\s*(help|---help---)\s*$/.test(line)) {
      inHelp = true;
      helpIndent = undefined;
      continue;
    }
    kept.push(line);
  }
  return kept;
}

function readAttribute(keyword: string, rest: string, entry: { depends: string[]; symbol?: KconfigSymbol }): void {
  if (keyword === "depends" && rest.startsWith("on ")) entry.depends.push(rest.slice(3));
  const symbol = entry.symbol;
  if (!symbol) return;
  if (["bool", "tristate", "def_bool", "def_tristate", "int", "hex", "string"].includes(keyword)) {
    symbol.type = keyword.endsWith("bool")
      ? "bool"
      : keyword.endsWith("tristate")
        ? "tristate"
        : symbol.type === "other"
          ? "other"
          : symbol.type;
    if (!keyword.startsWith("def_") && rest.startsWith('"')) symbol.hasPrompt = true;
  }
  if (keyword === "prompt") symbol.hasPrompt = true;
}

// Pure: the symbols an expression requires outright: each `&&` part that is a plain symbol (or
// SYMBOL=y/m). Alternatives (`A || B`), negations and comparisons with n require nothing definite.
export function requiredSymbols(expression: string): string[] {
  return expression
    .split("&&")
    .map((part) =>
      part
        .trim()
        .replace(/^\((.*)\)$/, "$1")
        .trim(),
    )
    .filter((part) => !part.includes("||"))
    .flatMap((part) => /^(\w+)(?:\s*=\s*[ym])?$/.exec(part)?.[1] ?? [])
    .filter((name) => !["y", "m", "n"].includes(name));
}

// Pure: fragment lines that enable `wanted` (symbol → "m" or "y") and, first, what they depend on;
// a dependency of a module is a module too when it can be one. Symbols without a prompt are left to
// their defaults. `unknown` lists wanted names the Kconfig tree does not have.
export function enableWithDependencies(
  symbols: ReadonlyMap<string, KconfigSymbol>,
  wanted: ReadonlyMap<string, "m" | "y">,
): { lines: string[]; unknown: string[] } {
  const values = new Map<string, "m" | "y">();
  const unknown: string[] = [];
  const enable = (name: string, value: "m" | "y", seen: Set<string>) => {
    const symbol = symbols.get(name);
    if (!symbol || seen.has(name)) return;
    seen.add(name);
    for (const dependency of symbol.depends.flatMap(requiredSymbols)) enable(dependency, value, seen);
    if (!symbol.hasPrompt) return;
    const wantedValue = symbol.type === "tristate" ? value : "y";
    if (values.get(name) !== "y") values.set(name, wantedValue);
  };
  for (const [name, value] of wanted) {
    if (!symbols.has(name)) unknown.push(name);
    else enable(name, value, new Set());
  }
  return { lines: [...values].map(([name, value]) => `CONFIG_${name}=${value}`), unknown };
}
