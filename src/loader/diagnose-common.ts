// Shared by the load and unload diagnoses: inputs, output, and the failures both can hit.
import { extractModuleLogFacts, type ModuleLogFacts } from "../kernel-log/module-messages.js";

// Where the command ran: on the developer's host, or in a throwaway kforge VM guest (no reboot or
// "use a VM" advice there).
export type DiagnoseEnvironment = "host" | "vm";

export interface FailureInput {
  module: string;
  // Default "host".
  environment?: DiagnoseEnvironment;
  // The name=value arguments given to insmod, when known: EINVAL is blamed on parameters only when
  // some were passed or the kernel log names one.
  parameters?: string[];
  exitCode: number | undefined;
  stderr: string;
  // Kernel log lines printed since just before the command ran.
  kernelLog: string[];
  // The text of /proc/modules after the failure, when readable.
  procModules?: string;
  // The running (or guest) kernel's vermagic and the module's, when known.
  expectedVermagic?: string;
  moduleVermagic?: string;
  // symbol -> module that exports it (from kforge deps resolution), to name who to load first.
  symbolProviders?: Record<string, string>;
  // Whether the command ran as root (undefined: unknown, e.g. inside a guest).
  isRoot?: boolean;
}

export interface Diagnosis {
  kind: string;
  title: string;
  detail: string;
  hint: string;
}

export interface DiagnosisContext {
  input: FailureInput;
  facts: ModuleLogFacts;
  // stderr, lower-cased, for wording-independent matching.
  says: (pattern: RegExp) => boolean;
  inVm: boolean;
}

export const VM_HINT = "run it in a throwaway VM instead: kforge vm";

export function createDiagnosisContext(input: FailureInput): DiagnosisContext {
  const stderr = input.stderr;
  return {
    input,
    facts: extractModuleLogFacts(input.kernelLog),
    says: (pattern) => pattern.test(stderr),
    inVm: input.environment === "vm",
  };
}

// Kernel log lines quoted in a detail: "the kernel log says: "a"; "b"".
export function quoteKernelLines(lines: readonly string[], limit = 3): string {
  const quoted = lines
    .slice(0, limit)
    .map((line) => `"${line}"`)
    .join("; ");
  return `the kernel log says: ${quoted}${lines.length > limit ? ` (and ${lines.length - limit} more lines above)` : ""}`;
}

// ENOSYS: the running kernel was built without CONFIG_MODULES (kmod: "Function not implemented",
// busybox insmod: "kernel does not support requested operation").
export function diagnoseNoModuleSupport({ input, says }: DiagnosisContext): Diagnosis | undefined {
  if (!says(/function not implemented|kernel does not support requested operation|could not open \/proc\/modules/i)) return undefined;
  return noModuleSupportDiagnosis(input.module, input.environment);
}

export function diagnoseCrash({ input, facts, says, inVm }: DiagnosisContext): Diagnosis | undefined {
  const killed = input.exitCode === 137 || says(/^Killed$/m);
  if (!killed && !facts.crash) return undefined;
  return {
    kind: "crashed",
    title: `${input.module} crashed the kernel code that ran it`,
    detail: facts.crash
      ? `the kernel log reports: ${facts.crash}`
      : "the command was killed (exit status 137), which is what an oops in module code does to the calling task",
    hint: inVm
      ? "read the RIP (arm64: pc) and Call Trace lines above and fix the faulting function"
      : "read the RIP (arm64: pc) and Call Trace lines above; the module may be stuck " +
        "in Loading/Unloading until reboot, so continue in a VM: kforge vm",
  };
}

export function notRootDiagnosis(): Diagnosis {
  return {
    kind: "not-root",
    title: "loading and unloading modules needs root",
    detail: "insmod, rmmod and modprobe need CAP_SYS_MODULE and kforge is not running as root",
    hint: "rerun with --sudo, or as root",
  };
}

// Without CONFIG_MODULES there is no /proc/modules; kmod's rmmod then only says "not currently loaded",
// so the loader checks first and reports this.
export function noModuleSupportDiagnosis(module: string, environment: DiagnoseEnvironment = "host"): Diagnosis {
  if (environment === "vm") {
    return {
      kind: "no-module-support",
      title: "the guest kernel cannot load modules",
      detail:
        `the guest kernel was built without loadable module support (no ` +
        `/proc/modules), so ${module} cannot be loaded or unloaded in it`,
      hint: "choose a guest kernel built with CONFIG_MODULES=y (--kernel <release>)",
    };
  }
  return {
    kind: "no-module-support",
    title: "the running kernel cannot load modules",
    detail:
      `the kernel was built without loadable module support (no ` +
      `/proc/modules), so ${module} cannot be loaded or unloaded on this host`,
    hint: VM_HINT,
  };
}

// The first check that recognises the failure, or undefined.
export function firstDiagnosis(
  checks: readonly ((context: DiagnosisContext) => Diagnosis | undefined)[],
  input: FailureInput,
): Diagnosis | undefined {
  const context = createDiagnosisContext(input);
  for (const check of checks) {
    const diagnosis = check(context);
    if (diagnosis) return diagnosis;
  }
  return undefined;
}
