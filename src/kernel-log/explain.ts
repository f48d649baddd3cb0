// One-line explanations of the kernel log lines module authors meet, and the /dev/kmsg record format
// (Documentation/ABI/testing/dev-kmsg). Pure.
import { MODULE_MESSAGES, stripKernelLogPrefix } from "./module-messages.js";

type Explainer = [RegExp, (match: RegExpMatchArray) => string];

const EXPLAINERS: Explainer[] = [
  [MODULE_MESSAGES.outOfTree, () => "normal for a module you built yourself: the kernel is now tainted O (out-of-tree); nothing is wrong"],
  [
    MODULE_MESSAGES.signatureMissing,
    () => "the module is unsigned and this kernel can check signatures: taint E; loading still works unless signatures are enforced",
  ],
  [
    MODULE_MESSAGES.license,
    (match) =>
      `MODULE_LICENSE is ${match[2] === "unspecified" ? "missing" : `"${match[2]}", not GPL-compatible`}: ` +
      `taint P, and EXPORT_SYMBOL_GPL symbols are unavailable; add MODULE_LICENSE("GPL")`,
  ],
  [MODULE_MESSAGES.lockDebugging, () => "lockdep switches itself off once the kernel is tainted; follows the taint message above"],
  [
    MODULE_MESSAGES.vermagic,
    (match) => `the module was built for "${match[2]}" but the running kernel is "${match[3]}": rebuild it against this kernel's headers`,
  ],
  [
    MODULE_MESSAGES.disagrees,
    (match) =>
      `the CRC of ${match[2]} recorded at build time differs from the kernel's: the module ` +
      `was built against a different kernel build; rebuild against this kernel's headers`,
  ],
  [
    MODULE_MESSAGES.noSymbolVersion,
    (match) => `the module has no CRC for ${match[2]} although the kernel uses modversions: rebuild it with the kernel's Module.symvers`,
  ],
  [
    MODULE_MESSAGES.unknownSymbol,
    (match) =>
      `nothing loaded exports ${match[2]}: load the module that provides it ` +
      `first, or (for EXPORT_SYMBOL_GPL) give this one a GPL-compatible license`,
  ],
  [
    MODULE_MESSAGES.unsignedRejected,
    () =>
      "the kernel enforces module signatures and this module is unsigned: sign it " +
      "(kforge sign) with a key the kernel trusts, enrolled with mokutil --import",
  ],
  [
    MODULE_MESSAGES.unsupportedCrypto,
    () =>
      "the module's signature uses a hash or key type this kernel cannot check: " +
      "sign it with the kernel's CONFIG_MODULE_SIG_HASH (kforge sign without --hash)",
  ],
  [
    MODULE_MESSAGES.rejected,
    (match) =>
      `the kernel enforces module signatures and refused this ${match[1]}: ` +
      `enroll the signing key (mokutil --import) or sign with a trusted key`,
  ],
  [
    MODULE_MESSAGES.lockdown,
    () => "kernel lockdown (usually Secure Boot) allows only signed modules: sign it and enroll the key with mokutil --import",
  ],
  [
    MODULE_MESSAGES.invalidParameter,
    (match) => `parameter ${match[3]} cannot take the value "${match[2]}": check its type with kforge info`,
  ],
  [
    MODULE_MESSAGES.unknownParameter,
    (match) => `the module has no parameter "${match[2]}"; the kernel ignored it (kforge info lists the parameters)`,
  ],
  [
    MODULE_MESSAGES.arrayParameter,
    (match) => `array parameter ${match[1]} got the wrong number of comma-separated values: check its size with kforge info`,
  ],
  [MODULE_MESSAGES.invalidModuleName, () => "a module may not be named vmlinux: rename it (the obj-m name in Kbuild)"],
  [
    MODULE_MESSAGES.invalidElf,
    () => "the file is not a module for this kernel's architecture or struct layout: rebuild against this kernel's headers",
  ],
  [MODULE_MESSAGES.staging, () => "staging drivers are of unknown quality: taint C"],
  [
    /^BUG: kernel NULL pointer dereference/,
    () => "the code dereferenced a NULL pointer: see the RIP line for the function and the Call Trace for how it got there",
  ],
  [
    /^Unable to handle kernel NULL pointer dereference/,
    () => "the code dereferenced a NULL pointer: see the pc line for the function and the Call trace for how it got there",
  ],
  [/^(?:Unable to handle kernel |Unhandled fault: )/, () => "a kernel crash (oops) on a bad address: the pc line names the function"],
  [
    /^(?:BUG: |Oops\b|general protection fault)/,
    () => "a kernel crash (oops): the task was killed; the kernel is tainted D and should be rebooted",
  ],
  [/^WARNING: CPU: /, () => "a WARN_ON fired: the kernel continues, tainted W; the RIP line names the function"],
  [/^Kernel panic - not syncing/, () => "the kernel stopped: reboot (kforge load --vm keeps this out of your host)"],
  [/^(?:RIP: \S+:|pc : |PC is at )(\S+)/, (match) => `the faulting instruction is in ${match[1]}`],
  [/^Call Trace:/, () => "the stack of the crash follows, innermost function first"],
  [/^BUG: soft lockup/, () => "a CPU ran kernel code without scheduling for over 20 s: look for an endless loop"],
  [/^INFO: task .* blocked for more than/, () => "a task waited over 120 s in the kernel: look for a lock or wait that never completes"],
];

export function explainKernelLine(line: string): string | undefined {
  const text = stripKernelLogPrefix(line);
  for (const [pattern, explain] of EXPLAINERS) {
    const match = text.match(pattern);
    if (match) return explain(match);
  }
  return undefined;
}

// syslog levels 0 (emerg) .. 7 (debug).
export interface KmsgRecord {
  level: number;
  facility: number;
  sequence: number;
  timestampUs: number;
  message: string;
}

// "<prio>,<seq>,<usec>,<flags>[,...];message" where prio = facility * 8 + level; the kernel escapes
// unprintable bytes as \xNN. Continuation lines (" KEY=value" dictionary) are dropped.
export function parseKmsgRecord(record: string): KmsgRecord | undefined {
  const [first] = record.split("\n");
  const semicolon = first?.indexOf(";") ?? -1;
  if (!first || semicolon < 0) return undefined;
  const fields = first.slice(0, semicolon).split(",");
  const [priority, sequence, timestamp] = fields.map(Number);
  if (fields.length < 4 || [priority, sequence, timestamp].some((value) => value === undefined || !Number.isInteger(value) || value < 0))
    return undefined;
  const message = first.slice(semicolon + 1).replace(/\\x([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return { level: priority! & 7, facility: priority! >> 3, sequence: sequence!, timestampUs: timestamp!, message };
}
