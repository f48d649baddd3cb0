// A semantic patch's grep query: the tokens a file must contain for any of the patch's rules to match,
// as `spatch --parse-cocci` prints it after "Grep query" ("memcpy || kzalloc || kmalloc", with && and
// parentheses in general; "No grep query" when no token is required). spatch itself skips a file
// without them, but only after starting (Python included), which is most of a small project's cost of
// a patch: kforge asks the query once and does not start spatch at all when no project file could match.

export type GrepQuery = { token: string } | { any: GrepQuery[] } | { all: GrepQuery[] };

// Pure: the query's line in spatch's --parse-cocci output; undefined when it says there is none.
export function grepQueryLine(output: string): string | undefined {
  const lines = output.split("\n");
  const heading = lines.findIndex((line) => line.trim() === "Grep query");
  return heading < 0 ? undefined : lines[heading + 1]?.trim();
}

// Pure: the query from its printed form; undefined when it is not in the grammar known here (the patch
// then always runs).
export function readQuery(text: string): GrepQuery | undefined {
  const tokens = text.match(/\|\||&&|[()]|[^\s()|&]+/g) ?? [];
  if (tokens.length === 0 || tokens.join("").length !== text.replace(/\s+/g, "").length) return undefined;
  const parser = { tokens, at: 0 };
  const query = parseOr(parser);
  return query && parser.at === tokens.length ? query : undefined;
}

interface Parser {
  tokens: string[];
  at: number;
}

function parseOr(parser: Parser): GrepQuery | undefined {
  return parseList(parser, "||", parseAnd, (parts) => ({ any: parts }));
}

function parseAnd(parser: Parser): GrepQuery | undefined {
  return parseList(parser, "&&", parseTerm, (parts) => ({ all: parts }));
}

function parseList(
  parser: Parser,
  operator: string,
  parsePart: (parser: Parser) => GrepQuery | undefined,
  combine: (parts: GrepQuery[]) => GrepQuery,
): GrepQuery | undefined {
  const parts: GrepQuery[] = [];
  do {
    const part = parsePart(parser);
    if (!part) return undefined;
    parts.push(part);
  } while (parser.tokens[parser.at] === operator && ++parser.at);
  return parts.length === 1 ? parts[0] : combine(parts);
}

function parseTerm(parser: Parser): GrepQuery | undefined {
  const token = parser.tokens[parser.at++];
  if (token === "(") {
    const inner = parseOr(parser);
    return parser.tokens[parser.at++] === ")" ? inner : undefined;
  }
  return token !== undefined && /^[\w$]+$/.test(token) ? { token } : undefined;
}

// Pure: whether `text` may hold a match. A token counts wherever its characters appear, even inside a
// longer word or a comment: never fewer files than spatch itself would try.
export function mayMatch(query: GrepQuery, text: string): boolean {
  if ("token" in query) return text.includes(query.token);
  return "any" in query ? query.any.some((part) => mayMatch(part, text)) : query.all.every((part) => mayMatch(part, text));
}
