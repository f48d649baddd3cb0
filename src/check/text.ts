// Pure text helpers the checker parsers share. Checker messages quote the module's source, which is
// untrusted: its control characters are shown visibly (text/visible-text.ts).

// gcc and sparse count columns as displayed, a tab moving to the next multiple of 8; reports (SARIF,
// GitHub annotations) count characters. Returns the 1-based character column of a display column.
export function characterColumn(sourceLine: string, displayColumn: number): number {
  let shown = 0;
  for (let index = 0; index < sourceLine.length; index++) {
    if (shown + 1 >= displayColumn) return index + 1;
    shown = sourceLine[index] === "\t" ? shown + 8 - (shown % 8) : shown + 1;
  }
  return sourceLine.length + Math.max(1, displayColumn - shown);
}

// A rule name from a message that has none (sparse): lower case words joined by dashes, quoted names
// and numbers left out, so "incorrect type in argument 1 (different address spaces)" and the same
// problem in argument 2 share one rule.
export function ruleFromMessage(message: string): string {
  return message
    .replace(/'[^']*'|"[^"]*"|<[^>]*>/g, " ")
    .replace(/\d+/g, " ")
    .toLowerCase()
    .replace(/[^a-z]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
