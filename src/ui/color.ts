// Minimal ANSI colouring that honours NO_COLOR, FORCE_COLOR and whether the stream is a terminal.

export type Paint = (text: string) => string;

export interface Palette {
  red: Paint;
  yellow: Paint;
  green: Paint;
  cyan: Paint;
  dim: Paint;
  bold: Paint;
}

function isColorEnabled(stream: NodeJS.WriteStream): boolean {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

function paint(open: number, close: number, enabled: boolean): Paint {
  return enabled ? (text) => `\u001b[${open}m${text}\u001b[${close}m` : (text) => text;
}

export function createPalette(stream: NodeJS.WriteStream = process.stderr): Palette {
  const enabled = isColorEnabled(stream);
  return {
    red: paint(31, 39, enabled),
    yellow: paint(33, 39, enabled),
    green: paint(32, 39, enabled),
    cyan: paint(36, 39, enabled),
    dim: paint(2, 22, enabled),
    bold: paint(1, 22, enabled),
  };
}
