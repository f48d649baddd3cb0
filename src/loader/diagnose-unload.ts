// Diagnoses a failed rmmod (kmod or busybox wording) from its stderr, the kernel log and /proc/modules.
import { findProcModule, parseProcModules, type ProcModule } from "../module/proc-modules.js";
import {
  firstDiagnosis,
  diagnoseCrash,
  diagnoseNoModuleSupport,
  notRootDiagnosis,
  type Diagnosis,
  type DiagnosisContext,
  type FailureInput,
} from "./diagnose-common.js";

function loadedEntry(input: FailureInput): ProcModule | undefined {
  return input.procModules === undefined ? undefined : findProcModule(parseProcModules(input.procModules), input.module);
}

function diagnosePermanent({ input, says, inVm }: DiagnosisContext): Diagnosis | undefined {
  if (!loadedEntry(input)?.permanent && !says(/device or resource busy/i)) return undefined;
  return {
    kind: "permanent",
    title: `${input.module} cannot be unloaded`,
    detail: "it has an init function but no exit function ([permanent] in /proc/modules), so the kernel never removes it",
    hint: inVm
      ? "add a module_exit() function"
      : "add a module_exit() function; until the next reboot the old build stays loaded (test in a VM: kforge vm)",
  };
}

function diagnoseInUse({ input, says }: DiagnosisContext): Diagnosis | undefined {
  const stated =
    input.stderr
      .match(/is in use by: (.+)$/m)?.[1]
      ?.trim()
      .split(/\s+/) ?? [];
  if (!stated.length && !says(/is in use|resource temporarily unavailable/i)) return undefined;
  const entry = loadedEntry(input);
  const holders = stated.length ? stated : (entry?.usedBy ?? []);
  const references = entry?.refcount;
  const detail = holders.length
    ? `used by ${holders.join(", ")}${references !== undefined ? ` (reference count ${references})` : ""}`
    : `no module uses it, but something holds ${references ?? "a"} ` +
      `reference${references === 1 ? "" : "s"}: an open device file, socket or mounted filesystem`;
  return {
    kind: "in-use",
    title: `${input.module} is in use`,
    detail,
    hint: holders.length
      ? `unload ${holders.join(", ")} first (kforge unload unloads a project's modules in reverse order)`
      : "close whatever uses it (lsof, fuser, umount), then unload again",
  };
}

function diagnoseNotLoaded({ input, says }: DiagnosisContext): Diagnosis | undefined {
  if (says(/is builtin/i)) {
    return {
      kind: "builtin",
      title: `${input.module} is built into the kernel`,
      detail: "built-in code cannot be unloaded",
      hint: "nothing to unload",
    };
  }
  if (!says(/not currently loaded|no such file or directory/i)) return undefined;
  return {
    kind: "not-loaded",
    title: `${input.module} is not loaded`,
    detail: "the kernel has no module of this name",
    hint: "see what is loaded with kforge lsmod",
  };
}

function diagnoseUnloadNotPermitted({ input, says }: DiagnosisContext): Diagnosis | undefined {
  if (!says(/operation not permitted/i)) return undefined;
  if (input.isRoot === false) return notRootDiagnosis();
  return {
    kind: "not-permitted",
    title: `the kernel refused to unload ${input.module}`,
    detail: "Operation not permitted: not root, module loading disabled (kernel.modules_disabled=1) or lockdown",
    hint: "use --sudo when not root; check /proc/sys/kernel/modules_disabled",
  };
}

const UNLOAD_CHECKS = [
  diagnoseNoModuleSupport,
  diagnoseCrash,
  diagnoseInUse,
  diagnosePermanent,
  diagnoseNotLoaded,
  diagnoseUnloadNotPermitted,
];

export function diagnoseUnloadFailure(input: FailureInput): Diagnosis {
  return (
    firstDiagnosis(UNLOAD_CHECKS, input) ?? {
      kind: "unload-failed",
      title: `unloading ${input.module} failed`,
      detail: input.stderr.trim() || `exit status ${input.exitCode ?? "unknown"}`,
      hint: "see the kernel log lines above; kforge lsmod shows its state and holders",
    }
  );
}
