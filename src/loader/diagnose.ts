// Turns a failed insmod/modprobe/rmmod (kmod or busybox wording) plus the kernel log lines it caused
// into one diagnosis with what to do next. Pure: callers gather the inputs.
import { errnoHint, errnoName } from "./errno.js";
import { diagnoseSignature } from "./diagnose-signature.js";
import {
  createDiagnosisContext,
  firstDiagnosis,
  diagnoseCrash,
  diagnoseNoModuleSupport,
  notRootDiagnosis,
  quoteKernelLines,
  type DiagnosisContext as Context,
  type Diagnosis,
  type FailureInput,
} from "./diagnose-common.js";

function vermagicPair({ input, facts }: Context): { found: string; expected: string } | undefined {
  if (facts.vermagic) return facts.vermagic;
  const { moduleVermagic, expectedVermagic } = input;
  if (moduleVermagic && expectedVermagic && moduleVermagic.trim() !== expectedVermagic.trim()) {
    return { found: moduleVermagic.trim(), expected: expectedVermagic.trim() };
  }
  return undefined;
}

function diagnoseInvalidFormat(context: Context): Diagnosis | undefined {
  if (!context.says(/invalid module format|exec format error/i) && !context.facts.vermagic && !context.facts.invalidElf) return undefined;
  const pair = vermagicPair(context);
  const module = context.input.module;
  if (pair) {
    const kernel = context.inVm ? "guest kernel" : "running kernel";
    return {
      kind: "vermagic-mismatch",
      title: `${module} was built for another kernel`,
      detail: `module vermagic "${pair.found}", ${kernel} "${pair.expected}"`,
      hint: context.inVm
        ? `rebuild for the guest kernel: kforge build --kernel ${pair.expected.split(/\s+/)[0]}`
        : "rebuild against the running kernel's headers: kforge build (it selects the running kernel by default)",
    };
  }
  return {
    kind: "invalid-format",
    title: `the kernel rejected ${module} as an invalid module`,
    detail: context.facts.invalidElf ?? "the ELF file does not match this kernel's architecture or module layout",
    hint: "check the architecture and kernel with kforge info <file.ko>, then rebuild against the running kernel's headers",
  };
}

function diagnoseSymbolVersion({ input, facts, says }: Context): Diagnosis | undefined {
  if (!facts.disagreeingSymbols.length && !says(/wrong symbol version/i)) return undefined;
  const symbols = facts.disagreeingSymbols.join(", ") || "one of its symbols";
  return {
    kind: "symbol-version",
    title: `${input.module} disagrees with the kernel about the version of ${symbols}`,
    detail:
      "the symbol CRCs recorded at build time (modversions) differ from the " +
      "running kernel's: the module was built against another build of this kernel",
    hint: "rebuild against the exact headers of the running kernel (same package version), or rebuild the providing module first",
  };
}

function describeProviders(symbols: string[], providers: Record<string, string> | undefined): { detail: string; hint: string } {
  const provided = symbols.filter((symbol) => providers?.[symbol]);
  const modules = [...new Set(provided.map((symbol) => providers![symbol]!))];
  const orphans = symbols.filter((symbol) => !providers?.[symbol]);
  const parts = provided.map((symbol) => `${symbol} is exported by ${providers![symbol]}`);
  if (orphans.length) parts.push(`no known module exports ${orphans.join(", ")}`);
  const hint = modules.length
    ? `load ${modules.join(", ")} first (kforge load loads a project's modules in dependency order; modprobe loads in-tree ones)`
    : 'find the providing module with kforge deps; an EXPORT_SYMBOL_GPL symbol also needs MODULE_LICENSE("GPL") in this module';
  return { detail: parts.join("; "), hint };
}

function diagnoseUnknownSymbol({ input, facts, says }: Context): Diagnosis | undefined {
  if (!facts.unknownSymbols.length && !says(/unknown symbol in module/i)) return undefined;
  if (!facts.unknownSymbols.length && facts.parameterLines.length) return undefined;
  const symbols = facts.unknownSymbols;
  const described = symbols.length ? describeProviders(symbols, input.symbolProviders) : undefined;
  return {
    kind: "unknown-symbol",
    title: symbols.length
      ? `${input.module} needs ${symbols.join(", ")}, which nothing loaded exports`
      : `${input.module} uses a symbol nothing loaded exports`,
    detail:
      described?.detail ?? "the kernel log did not name the symbol; run kforge deps on the module to see which symbols nobody provides",
    hint: described?.hint ?? "run kforge deps <file.ko>, load the providers first",
  };
}

// The kernel log decides: a line naming a parameter, else EINVAL with parameters passed. Lines that
// name an array parameter's element count are quoted; the per-value lines that follow them are noise.
function diagnoseInvalidParameters({ input, facts, says }: Context): Diagnosis | undefined {
  const passed = input.parameters ?? [];
  const einval = says(/invalid parameters?|invalid argument/i);
  if (!facts.parameterLines.length && !(einval && passed.length)) return undefined;
  const arrayLines = facts.parameterLines.filter((line) => !/ for parameter `/.test(line));
  const arrayNames = arrayLines.map((line) => line.split(":")[0]);
  const values = facts.invalidParameters
    .filter(({ parameter }) => !arrayNames.includes(parameter))
    .map(({ parameter, value }) => `${parameter}="${value}"`);
  const details = [
    ...(values.length ? [`invalid value for ${values.join(", ")}`] : []),
    ...(arrayLines.length ? [quoteKernelLines(arrayLines)] : []),
  ];
  return {
    kind: "invalid-parameters",
    title: `${input.module} rejected its parameters`,
    detail:
      details.join("; ") ||
      `insmod passed ${passed.join(" ")} and the load failed with EINVAL, but the kernel log ` +
        `names no parameter: a value the init function rejects, or an unrelated -EINVAL from init`,
    hint: `list the parameters and their types with kforge info ${input.module}.ko; fix the values after -- or in kforge.json params`,
  };
}

function diagnoseInvalidModuleName({ input, facts }: Context): Diagnosis | undefined {
  if (!facts.invalidModuleName) return undefined;
  return {
    kind: "invalid-module-name",
    title: `the kernel refuses the module name ${input.module}`,
    detail: `${quoteKernelLines([facts.invalidModuleName])}: the name vmlinux is reserved for the kernel itself`,
    hint: "rename the module: change the obj-m name in its Kbuild/Makefile and rebuild (kforge build)",
  };
}

function diagnoseAlreadyLoaded({ input, says }: Context): Diagnosis | undefined {
  if (!says(/file exists|already in kernel/i)) return undefined;
  return {
    kind: "already-loaded",
    title: `${input.module} is already loaded`,
    detail: "a module with this name is in the kernel (possibly an older build)",
    hint: "kforge reload unloads it and loads the new build",
  };
}

function diagnoseNotPermitted({ input, facts, says, inVm }: Context): Diagnosis | undefined {
  if (!says(/operation not permitted/i) && !facts.lockdown) return undefined;
  if (facts.lockdown) {
    return {
      kind: "lockdown",
      title: "kernel lockdown refuses unsigned modules",
      detail: "Lockdown: unsigned module loading is restricted (usually Secure Boot is on)",
      hint: inVm
        ? "sign the module with a key the guest kernel trusts, or boot the guest without lockdown= on its command line"
        : "sign the module and enroll the key (mokutil --import <cert.der>), or test it in a VM: kforge vm",
    };
  }
  if (input.isRoot === false) return notRootDiagnosis();
  return {
    kind: "not-permitted",
    title: `the kernel refused to let ${input.module} be loaded`,
    detail: "Operation not permitted: not root, module loading disabled (kernel.modules_disabled=1), lockdown, or a security module",
    hint: "check `cat /proc/sys/kernel/modules_disabled` and the kernel log; use --sudo when not root",
  };
}

function diagnoseMissingFile({ input, says }: Context): Diagnosis | undefined {
  if (!says(/could not load module .*no such file|can't open|no such file or directory/i)) return undefined;
  return {
    kind: "file-not-found",
    title: `${input.module}: file not found`,
    detail: input.stderr.trim(),
    hint: "build it first: kforge build",
  };
}

// Any other errno comes from the module's own init function returning it; its own kernel log lines
// say why, so they are the detail (the errno text is already in the title).
function diagnoseInitFailure({ input, facts }: Context): Diagnosis {
  const reason = input.stderr.match(/(?:could not insert|can't insert)[^:]*: (?:.*: )?(.+)$/im)?.[1]?.trim();
  const errno = reason ? errnoName(reason) : undefined;
  const silent = `its init function returned ${errno ? `-${errno}` : "an error"} without printing anything to the kernel log`;
  return {
    kind: reason ? "init-failed" : "load-failed",
    title: reason ? `${input.module}'s init function failed: ${reason}${errno ? ` (${errno})` : ""}` : `loading ${input.module} failed`,
    detail: facts.otherLines.length
      ? quoteKernelLines(facts.otherLines)
      : reason
        ? silent
        : input.stderr.trim() || `exit status ${input.exitCode ?? "unknown"}`,
    hint:
      errnoHint(errno) ?? "see the error paths of the module's init function that return this error; pr_err() there says which one failed",
  };
}

const LOAD_CHECKS = [
  diagnoseNoModuleSupport,
  diagnoseCrash,
  diagnoseSignature,
  diagnoseInvalidFormat,
  diagnoseSymbolVersion,
  diagnoseUnknownSymbol,
  diagnoseInvalidModuleName,
  diagnoseInvalidParameters,
  diagnoseAlreadyLoaded,
  diagnoseNotPermitted,
  diagnoseMissingFile,
];

export function diagnoseLoadFailure(input: FailureInput): Diagnosis {
  return firstDiagnosis(LOAD_CHECKS, input) ?? diagnoseInitFailure(createDiagnosisContext(input));
}

export { noModuleSupportDiagnosis, type DiagnoseEnvironment, type Diagnosis, type FailureInput } from "./diagnose-common.js";
export { diagnoseUnloadFailure } from "./diagnose-unload.js";
