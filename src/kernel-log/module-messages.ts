// The kernel's messages about module loading (kernel/module/main.c, signing.c, params.c,
// security/lockdown), as patterns, and the facts a load failure diagnosis needs from them. Pure.

// "[   12.345678] text" (dmesg) or "<4>text" (raw printk level) -> "text".
export function stripKernelLogPrefix(line: string): string {
  return line
    .replace(/^<\d+>/, "")
    .replace(/^\[\s*\d+\.\d+\]\s?/, "")
    .trimEnd();
}

export const MODULE_MESSAGES = {
  outOfTree: /^(\S+): loading out-of-tree module taints kernel\.?$/,
  signatureMissing: /^(\S+): module verification failed: signature and\/or required key missing - tainting kernel$/,
  license: /^(\S+): module license '([^']*)' taints kernel\.?$/,
  lockDebugging: /^Disabling lock debugging due to kernel taint$/,
  vermagic: /^(\S+): version magic '([^']*)' should be '([^']*)'$/,
  disagrees: /^(\S+): disagrees about version of symbol (\S+)$/,
  noSymbolVersion: /^(\S+): no symbol version for (\S+)$/,
  unknownSymbol: /^(\S+): Unknown symbol (\S+) \(err (-?\d+)\)$/,
  unsignedRejected: /^Loading of unsigned module is rejected$/,
  unsupportedCrypto: /^Loading of module with unsupported crypto is rejected$/,
  rejected: /^Loading of (.+) is rejected$/,
  lockdown: /^Lockdown: (\S+): unsigned module loading is restricted/,
  invalidParameter: /^(\S+): `([^']*)' (?:invalid|too large) for parameter `([^']*)'$/,
  unknownParameter: /^(\S+): unknown parameter '([^']*)' ignored$/,
  // kernel/params.c param_array(): the name is the bare parameter name.
  arrayParameter: /^(\S+): (?:can only take|needs at least) \d+ arguments?$/,
  // kernel/livepatch/core.c klp_module_coming(): a module may not be called vmlinux.
  invalidModuleName: /^(?:livepatch: )?vmlinux\.ko: invalid module name$/,
  invalidElf: new RegExp(
    String.raw`^(?:Invalid ELF header|Invalid architecture in ELF header|\S+: \.gnu\.linkonce\.this_module ` +
      String.raw`section size must match|module \S+: \.gnu\.linkonce\.this_module section size must match)`,
  ),
  staging: /^(\S+): module is from the staging directory/,
  crash: new RegExp(
    String.raw`^(?:BUG: |Oops: |Oops\b|Unable to handle kernel |Unhandled fault: |Internal error: |general protection fault|` +
      String.raw`WARNING: CPU: |Kernel panic - not syncing|UBSAN: |INFO: task .* blocked for more than|rcu: INFO: rcu_\w+ detected stalls)`,
  ),
} as const;

export interface ModuleLogFacts {
  vermagic?: { module: string; found: string; expected: string };
  unknownSymbols: string[];
  disagreeingSymbols: string[];
  invalidParameters: { parameter: string; value: string }[];
  // Kernel lines that name a parameter (invalid value, too many array elements), deduplicated.
  parameterLines: string[];
  invalidModuleName?: string;
  unsignedRejected: boolean;
  // The reason from "Loading of <reason> is rejected" other than an unsigned module ("module with unavailable key").
  rejectedReason?: string;
  lockdown: boolean;
  invalidElf?: string;
  // The first crash marker line (BUG:, Oops, WARNING: CPU:, panic...).
  crash?: string;
  // Lines no pattern knows (usually the module's own printk), deduplicated, taint notices excluded.
  otherLines: string[];
}

const TAINT_NOTICES = [
  MODULE_MESSAGES.outOfTree,
  MODULE_MESSAGES.signatureMissing,
  MODULE_MESSAGES.license,
  MODULE_MESSAGES.lockDebugging,
  MODULE_MESSAGES.staging,
];

function pushOnce(list: string[], value: string): void {
  if (!list.includes(value)) list.push(value);
}

// The kernel prints a rejected value once per parse pass: keep each parameter/value pair once.
function addInvalidParameter(facts: ModuleLogFacts, line: string, parameter: string, value: string): void {
  pushOnce(facts.parameterLines, line);
  if (!facts.invalidParameters.some((entry) => entry.parameter === parameter && entry.value === value))
    facts.invalidParameters.push({ parameter, value });
}

export function extractModuleLogFacts(lines: readonly string[]): ModuleLogFacts {
  const facts: ModuleLogFacts = {
    unknownSymbols: [],
    disagreeingSymbols: [],
    invalidParameters: [],
    parameterLines: [],
    unsignedRejected: false,
    lockdown: false,
    otherLines: [],
  };
  for (const raw of lines) recordLine(facts, stripKernelLogPrefix(raw));
  return facts;
}

// Files one kernel-log line under the first fact it states.
function recordLine(facts: ModuleLogFacts, line: string): void {
  const vermagic = line.match(MODULE_MESSAGES.vermagic);
  if (vermagic) {
    facts.vermagic = { module: vermagic[1]!, found: vermagic[2]!, expected: vermagic[3]! };
    return;
  }
  const unknownSymbol = line.match(MODULE_MESSAGES.unknownSymbol);
  if (unknownSymbol) {
    pushOnce(facts.unknownSymbols, unknownSymbol[2]!);
    return;
  }
  const disagrees = line.match(MODULE_MESSAGES.disagrees) ?? line.match(MODULE_MESSAGES.noSymbolVersion);
  if (disagrees) {
    pushOnce(facts.disagreeingSymbols, disagrees[2]!);
    return;
  }
  const invalidParameter = line.match(MODULE_MESSAGES.invalidParameter);
  if (invalidParameter) {
    addInvalidParameter(facts, line, invalidParameter[3]!, invalidParameter[2]!);
    return;
  }
  if (MODULE_MESSAGES.arrayParameter.test(line) || MODULE_MESSAGES.unknownParameter.test(line)) {
    pushOnce(facts.parameterLines, line);
    return;
  }
  if (MODULE_MESSAGES.invalidModuleName.test(line)) {
    facts.invalidModuleName ??= line;
    return;
  }
  if (MODULE_MESSAGES.unsignedRejected.test(line)) {
    facts.unsignedRejected = true;
    return;
  }
  const rejected = line.match(MODULE_MESSAGES.rejected);
  if (rejected) {
    facts.rejectedReason = rejected[1]!;
    return;
  }
  if (MODULE_MESSAGES.lockdown.test(line)) {
    facts.lockdown = true;
    return;
  }
  if (MODULE_MESSAGES.invalidElf.test(line)) {
    facts.invalidElf ??= line;
    return;
  }
  if (MODULE_MESSAGES.crash.test(line)) {
    facts.crash ??= line;
    return;
  }
  if (line && !TAINT_NOTICES.some((pattern) => pattern.test(line))) pushOnce(facts.otherLines, line);
}
