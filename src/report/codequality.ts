// Pure: a GitLab Code Quality report, one finding per diagnostic that names a file.
import { createHash } from "node:crypto";
import { includeChain, noteText, type ReportKernel } from "./report-input.js";

const SEVERITY = { error: "major", warning: "minor", note: "info" } as const;

export function renderCodeQuality(kernels: readonly ReportKernel[]): string {
  const findings = kernels.flatMap((kernel) =>
    kernel.diagnostics
      .filter((diagnostic) => diagnostic.file !== null)
      .map((diagnostic) => {
        const notes = (diagnostic.notes ?? []).map((note) => `; ${noteText(note)}`).join("");
        const description = `${kernel.release}: ${diagnostic.message}${includeChain(diagnostic)}${notes}`;
        const place = `${diagnostic.file}:${diagnostic.line ?? 1}:${diagnostic.column ?? 0}`;
        return {
          description,
          check_name: diagnostic.flag ?? `kbuild-${diagnostic.severity}`,
          // Unique per finding: the same warning on two kernels is two findings.
          fingerprint: createHash("sha256")
            .update(`${kernel.release}\0${place}\0${diagnostic.severity}\0${diagnostic.message}`)
            .digest("hex"),
          severity: SEVERITY[diagnostic.severity],
          location: { path: diagnostic.file!, lines: { begin: diagnostic.line ?? 1 } },
        };
      }),
  );
  return `${JSON.stringify(findings, null, 2)}\n`;
}
