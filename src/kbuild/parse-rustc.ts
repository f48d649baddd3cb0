// Pure: rustc's own diagnostics as kbuild passes them through while it builds a Rust object (a RUSTC
// step): `error[E0308]: mismatched types`, then ` --> /abs/file.rs:4:18` for where, and `= help:` /
// `= note:` lines that explain it. Outside a Rust step these shapes are left to the other readers.
import type { Diagnostic } from "./parse-output.js";

const RUSTC = /^(error|warning)(?:\[(E\d{4})\])?: (.*)$/;
const LOCATION = /^\s*--> (.+?):(\d+):(\d+)$/;
const EXPLANATION = /^\s*= (note|help): (.*)$/;
// rustc's closing counts: the diagnostics before them already said it.
const SUMMARY = /^(?:aborting due to|\d+ warnings? emitted|could not compile)/;

export interface RustcReader {
  // The diagnostic a line starts, or consumed when it belongs to the one before.
  read(line: string, inRustStep: boolean): { diagnostic?: Diagnostic; consumed: boolean };
}

export function createRustcReader(toPath: (path: string) => string): RustcReader {
  let last: Diagnostic | undefined;
  return {
    read(line, inRustStep) {
      if (!inRustStep) {
        last = undefined;
        return { consumed: false };
      }
      const match = RUSTC.exec(line);
      if (match) {
        const [, severity, code, message] = match;
        if (SUMMARY.test(message!)) {
          last = undefined;
          return { consumed: true };
        }
        last = {
          severity: severity === "warning" ? "warning" : "error",
          file: null,
          line: null,
          column: null,
          message: message!,
          flag: code ?? null,
          origin: "compiler",
        };
        return { diagnostic: last, consumed: true };
      }
      if (!last) return { consumed: false };
      const location = LOCATION.exec(line);
      if (location && last.file === null) {
        last.file = toPath(location[1]!);
        last.line = Number(location[2]);
        last.column = Number(location[3]);
        return { consumed: true };
      }
      const explanation = EXPLANATION.exec(line);
      if (explanation) {
        last.notes = [...(last.notes ?? []), { file: null, line: null, column: null, message: `${explanation[1]}: ${explanation[2]}` }];
        return { consumed: true };
      }
      return { consumed: false };
    },
  };
}
