// Pure: text as XML attribute values and character data (JUnit, Cobertura). Control characters XML 1.0
// cannot carry are dropped: a module's output or a file name must not make the report unreadable.
export const escapeXml = (text: string): string =>
  text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "");
