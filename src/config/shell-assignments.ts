// Pure: reads plain and indexed shell assignments (NAME="value", NAME[3]='value', NAME=value) the way
// dkms.conf uses them, without running the file: it is a shell fragment.
export function parseDkmsAssignments(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split("\n")) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*(?:\[\d+\])?)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S*))\s*(?:#.*)?$/.exec(raw);
    if (match) values.set(match[1]!, match[2]?.replace(/\\([$`"\\])/g, "$1") ?? match[3] ?? match[4] ?? "");
  }
  return values;
}
