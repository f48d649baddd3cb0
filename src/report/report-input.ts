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

export const diagnosticText = (diagnostic: ReportDiagnostic): string => {
  const place =
    diagnostic.file === null
      ? ""
      : `${diagnostic.file}:${diagnostic.line ?? ""}${diagnostic.column === null ? "" : `:${diagnostic.column}`}: `;
  return `${place}${diagnostic.severity}: ${diagnostic.message}${diagnostic.flag ? ` [${diagnostic.flag}]` : ""}`;
};
