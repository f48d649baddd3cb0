// What kforge adds to a failed build's diagnostics that make's own lines do not say: a Rust module
// built for a kernel without Rust support, and the Kconfig option a kernel lacks for a symbol modpost
// found no exporter for.
import { explainMissingSymbols } from "../guest-kernel/missing-symbols.js";
import { undefinedSymbolOf } from "./diagnostic-hints.js";
import type { Diagnostic } from "./parse-output.js";
import { explainRustFailure } from "./rust-modules.js";

// The symbols modpost found no exporter for.
export const undefinedSymbols = (diagnostics: readonly Diagnostic[]): string[] => [
  ...new Set(diagnostics.flatMap((diagnostic) => (diagnostic.origin === "modpost" ? (undefinedSymbolOf(diagnostic.message) ?? []) : []))),
];

export async function explainFailure(
  dir: string,
  kbuildTexts: readonly string[],
  kernel: { release: string; kdir: string },
  diagnostics: Diagnostic[],
) {
  const rust = await explainRustFailure(dir, kbuildTexts, kernel);
  if (rust) diagnostics.unshift(rust);
  const hints = await explainMissingSymbols(kernel, undefinedSymbols(diagnostics));
  for (const diagnostic of diagnostics) {
    const symbol = diagnostic.origin === "modpost" ? undefinedSymbolOf(diagnostic.message) : undefined;
    const hint = symbol === undefined ? undefined : hints.get(symbol);
    if (hint) diagnostic.hint = hint;
  }
}
