// Pure: the `kforge check --json` object. Later issues add fields, never remove or rename them.
import type { CheckResult } from "./summary.js";

export function checkResultJson(result: CheckResult) {
  return {
    ok: result.ok,
    release: result.release,
    kdir: result.kdir,
    failOn: result.failOn,
    durationMs: result.durationMs,
    files: result.files,
    outside: result.outside,
    checkers: result.checkers.map((checker) => ({
      name: checker.name,
      status: checker.status,
      checked: checker.checked,
      notStarted: checker.notStarted,
      findings: checker.findings,
      ignored: checker.ignored,
      origin: checker.origin ?? null,
      missing: checker.missing ? { reason: checker.missing.reason, debianPackage: checker.missing.debianPackage } : null,
      failures: checker.failures.map(({ what, reason, output }) => ({ what, reason, output })),
      skipped: checker.skipped,
    })),
    findings: result.findings.map(({ checker, rule, severity, file, line, column, message }) => ({
      checker,
      rule,
      severity,
      file,
      line,
      column,
      message,
    })),
    log: result.log,
  };
}
