// Pure: rows of cells as aligned text columns, each line indented by two spaces.
export function formatColumns(rows: readonly string[][]): string {
  const widths = rows.reduce<number[]>((max, row) => row.map((cell, index) => Math.max(max[index] ?? 0, cell.length)), []);
  return rows
    .map(
      (row) =>
        `  ${row
          .map((cell, index) => cell.padEnd(widths[index]!))
          .join("  ")
          .trimEnd()}\n`,
    )
    .join("");
}
