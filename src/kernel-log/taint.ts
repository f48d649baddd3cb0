// /proc/sys/kernel/tainted as letters (Documentation/admin-guide/tainted-kernels.rst). Pure.

const LETTERS = ["P", "F", "S", "R", "M", "B", "U", "D", "A", "W", "C", "I", "O", "E", "L", "K", "X", "T", "N", "J"];

// 12288 -> "OE", 0 -> "" ; bits without a letter are named by number, e.g. "#25".
export function taintLetters(value: number): string {
  const letters: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if (Math.floor(value / 2 ** bit) % 2 === 1) letters.push(LETTERS[bit] ?? `#${bit}`);
  }
  return letters.join("");
}
