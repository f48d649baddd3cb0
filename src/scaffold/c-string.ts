// Escapes user text (author, description, license) for a C string literal so that the module's
// .modinfo holds exactly the bytes the user typed. Pure.

const NAMED_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\t": "\\t",
  "\r": "\\r",
  // "??=" and friends are trigraphs; gcc's gnu11 ignores them but warns (-Wtrigraphs), which --werror turns fatal.
  "?": "\\?",
};

// Octal, always three digits, so a following digit is never swallowed (a hex escape would be).
function octalEscape(byte: number): string {
  return `\\${byte.toString(8).padStart(3, "0")}`;
}

// Non-ASCII text becomes its UTF-8 bytes as octal escapes: the source stays ASCII and the bytes in
// .modinfo do not depend on the compiler's or the editor's idea of the source charset.
export function escapeCString(text: string): string {
  let escaped = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const character = String.fromCharCode(byte);
    const named = NAMED_ESCAPES[character];
    if (named) escaped += named;
    else if (byte < 0x20 || byte >= 0x7f) escaped += octalEscape(byte);
    else escaped += character;
  }
  return escaped;
}
