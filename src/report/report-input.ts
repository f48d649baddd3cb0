// What the CI report writers read: one entry per kernel, built or skipped, with diagnostics whose file
// paths are already relative to the repository root.
export interface ReportDiagnostic {
  severity: "error" | "warning" | "note";
  // Repository-relative path, or null when the tool named no file.
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
  flag: string | null;
  // The chain of files that included the one with the diagnostic (gcc's "In file included from").
  includedFrom?: { file: string; line: number }[];
  // The compiler's notes explaining it.
  notes?: { file: string | null; line: number | null; column: number | null; message: string }[];
}

export interface ReportKernel {
  release: string;
  // Modules kbuild produced; empty when the build failed (the case then stands for the whole dir).
  modules: string[];
  outcome: "ok" | "failed" | "skipped" | "interrupted";
  // Why a kernel was skipped by the gates.
  reason?: string;
  durationMs: number;
  diagnostics: ReportDiagnostic[];
  log?: string;
}

export const caseNames = (kernel: ReportKernel): string[] => (kernel.modules.length > 0 ? kernel.modules : ["(all)"]);

const placeOf = (where: { file: string | null; line: number | null; column: number | null }) =>
  where.file === null ? "" : `${where.file}:${where.line ?? ""}${where.column === null ? "" : `:${where.column}`}: `;

// "bad.h:3: included from x.c:9": where the compiler was when it met the file.
export const includeChain = (diagnostic: Pick<ReportDiagnostic, "includedFrom">): string =>
  diagnostic.includedFrom?.length
    ? ` (included from ${diagnostic.includedFrom.map((place) => `${place.file}:${place.line}`).join(", ")})`
    : "";

// rustc's explanations already say "help:" or "note:".
export const noteText = (note: NonNullable<ReportDiagnostic["notes"]>[number]): string =>
  `${placeOf(note)}${/^(?:help|note): /.test(note.message) ? "" : "note: "}${note.message}`;

// One line: where, severity, message, flag and the include chain.
export const diagnosticText = (diagnostic: ReportDiagnostic): string =>
  `${placeOf(diagnostic)}${diagnostic.severity}: ${diagnostic.message}` +
  `${diagnostic.flag ? ` [${diagnostic.flag}]` : ""}${includeChain(diagnostic)}`;

// The line above, then each of its notes indented under it.
export const diagnosticDetails = (diagnostic: ReportDiagnostic): string =>
  [diagnosticText(diagnostic), ...(diagnostic.notes ?? []).map((note) => `  ${noteText(note)}`)].join("\n");
