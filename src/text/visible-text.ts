// Pure: text that came from the guest or a module (kernel log lines, step output, crash reports,
// KTAP names) made safe for a terminal. A module's pr_info("\x1b]0;title\x07\x1b[2J") must not
// retitle or clear the user's terminal, so every control character but tab and newline (C0, DEL and
// the C1 range, where U+009B is a CSI to some terminals) is shown as its escape, `\x1b`. --json
// output is not passed through here: JSON.stringify keeps the exact characters, escaped.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function showControls(text: string): string {
  return text.replace(CONTROL, (character) => `\\x${character.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

// A single line: a newline is shown too.
export function showLine(text: string): string {
  return showControls(text).replaceAll("\n", "\\n");
}

// A notice on stderr, as every command prints one.
export const formatNotice = (message: string) => `kforge: ${showLine(message)}\n`;
