// Pure: a byte stream cut into lines, holding at most `maxChars` of the line in progress. A child
// that writes without ever ending a line (a guest flooding its console or the agent's port) cannot
// grow kforge's memory: the rest of such a line is dropped, and the line is passed on marked as cut.
export class LineSplitter {
  private pending = "";
  private cut = false;

  constructor(
    private readonly maxChars: number,
    private readonly onLine: (line: string, cut: boolean) => void,
  ) {}

  push(text: string): void {
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      this.append(newline === -1 ? text.slice(start) : text.slice(start, newline));
      if (newline === -1) return;
      this.emit();
      start = newline + 1;
    }
  }

  // The last line, when the stream ended without a newline.
  flush(): void {
    if (this.pending || this.cut) this.emit();
  }

  private append(piece: string): void {
    if (this.cut || piece === "") return;
    const room = this.maxChars - this.pending.length;
    if (piece.length <= room) {
      this.pending += piece;
      return;
    }
    this.pending += piece.slice(0, room);
    this.cut = true;
  }

  private emit(): void {
    const [line, cut] = [this.pending, this.cut];
    this.pending = "";
    this.cut = false;
    this.onLine(line, cut);
  }
}
