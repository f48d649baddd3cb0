// Pure: build gates, like DKMS's BUILD_EXCLUSIVE_*: which kernels a module is meant for. A kernel
// outside the gate is skipped with a reason, never counted as a failure; a run whose gates skip every
// kernel fails unless the user chose those gates (emptyRunRefusal).
import { KforgeError } from "../errors.js";
import type { KforgeConfig } from "./kforge-json.js";
import { readShellValues } from "./shell-assignments.js";

export interface Gates {
  // Inclusive version prefixes: "5.15" admits 5.15.0 and later, maxKernel "6.14" admits every 6.14.x.
  minKernel?: string;
  maxKernel?: string;
  // uname -m names, e.g. x86_64.
  arch?: string[];
  // CONFIG_X must be set (y or m); !CONFIG_X must not be.
  config?: string[];
  // Regular expressions from dkms.conf's BUILD_EXCLUSIVE_KERNEL and BUILD_EXCLUSIVE_ARCH.
  kernelPattern?: string;
  archPattern?: string;
}

export interface GateTarget {
  release: string;
  arch: string;
  // The kernel's .config; undefined when the build tree has none (config gates then cannot pass).
  config: Map<string, string> | undefined;
}

export const gatesFromConfig = (config: KforgeConfig): Gates => ({ ...config.gates });

// Where the gates of a run came from: kforge.json's are the user's explicit choice; dkms.conf's are read
// from a file written for DKMS, so a run they leave empty is a failure (see emptyRunRefusal).
export interface ChosenGates {
  gates: Gates;
  source: "kforge.json" | "dkms.conf" | "none";
  // dkms.conf gates a static reading cannot evaluate, each not applied, with why.
  notices: string[];
}

const DKMS_GATES: [string, string][] = [
  ["BUILD_EXCLUSIVE_KERNEL", "kernelPattern"],
  ["BUILD_EXCLUSIVE_KERNEL_MIN", "minKernel"],
  ["BUILD_EXCLUSIVE_KERNEL_MAX", "maxKernel"],
  ["BUILD_EXCLUSIVE_ARCH", "archPattern"],
  ["BUILD_EXCLUSIVE_CONFIG", "config"],
];

// kforge.json's gates win; dkms.conf's BUILD_EXCLUSIVE_* only stand in when kforge.json has none.
export function chooseGates(config: KforgeConfig, dkmsConf: string | undefined): ChosenGates {
  if (config.gates !== undefined) return { gates: gatesFromConfig(config), source: "kforge.json", notices: [] };
  if (dkmsConf === undefined) return { gates: {}, source: "none", notices: [] };
  const { gates, notices } = gatesFromDkmsConf(dkmsConf);
  return { gates, source: hasGates(gates) ? "dkms.conf" : "none", notices };
}

// Reads BUILD_EXCLUSIVE_KERNEL(_MIN/_MAX), _ARCH and _CONFIG where a static reading proves them (a plain
// top-level assignment), never running the file. One set under a shell `if` (often a message for the
// user, not a gate) is not applied: the kernel is built, with a notice saying why.
export function gatesFromDkmsConf(text: string): { gates: Gates; notices: string[] } {
  const { known, unknown } = readShellValues(text);
  const gates: Gates = {};
  const notices: string[] = [];
  for (const [variable, key] of DKMS_GATES) {
    const reason = unknown.get(variable);
    if (reason)
      notices.push(
        `dkms.conf's ${variable} is not applied: ${reason}, and kforge reads dkms.conf without running it; ` +
          'every kernel is built (set "gates" in kforge.json to gate kernels explicitly)',
      );
    const value = known.get(variable);
    if (!value) continue;
    if (key === "config") gates.config = value.split(/\s+/).filter((word) => word !== "");
    else gates[key as Exclude<keyof Gates, "arch" | "config">] = value;
  }
  return { gates, notices };
}

export const hasGates = (gates: Gates): boolean =>
  Object.values(gates).some((value) => value !== undefined && (!Array.isArray(value) || value.length > 0));

// Why the kernel is outside the gate, or undefined when it may be built.
export function gateRefusal(gates: Gates, target: GateTarget): string | undefined {
  if (gates.minKernel && compareVersionPrefix(target.release, gates.minKernel) < 0)
    return `kernel ${target.release} is older than the gate's minimum ${gates.minKernel}`;
  if (gates.maxKernel && compareVersionPrefix(target.release, gates.maxKernel) > 0)
    return `kernel ${target.release} is newer than the gate's maximum ${gates.maxKernel}`;
  if (gates.kernelPattern && !matches(gates.kernelPattern, target.release))
    return `kernel ${target.release} does not match BUILD_EXCLUSIVE_KERNEL ${gates.kernelPattern}`;
  if (gates.arch && gates.arch.length > 0 && !gates.arch.includes(target.arch))
    return `architecture ${target.arch} is not among the gate's ${gates.arch.join(", ")}`;
  if (gates.archPattern && !matches(gates.archPattern, target.arch))
    return `architecture ${target.arch} does not match BUILD_EXCLUSIVE_ARCH ${gates.archPattern}`;
  for (const option of gates.config ?? []) {
    const negated = option.startsWith("!");
    const name = negated ? option.slice(1) : option;
    const value = target.config?.get(name);
    const set = value === "y" || value === "m";
    if (target.config === undefined) return `the gate needs ${option}, but kernel ${target.release} has no .config to check`;
    if (negated && set) return `kernel ${target.release} has ${name}=${value}, which the gate excludes`;
    if (!negated && !set) return `kernel ${target.release} lacks ${name}, which the gate needs`;
  }
  return undefined;
}

// Compares the release's numeric version with a prefix, on the prefix's length only: 6.14.3 equals "6.14".
export function compareVersionPrefix(release: string, prefix: string): number {
  const wanted = numbers(prefix);
  const actual = numbers(release).slice(0, wanted.length);
  for (let index = 0; index < wanted.length; index++) {
    const difference = (actual[index] ?? 0) - wanted[index]!;
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

const numbers = (version: string): number[] => (/^\d+(?:\.\d+)*/.exec(version)?.[0] ?? "0").split(".").map(Number);

function matches(pattern: string, value: string): boolean {
  try {
    return new RegExp(pattern).test(value);
  } catch {
    // DKMS hands these to grep -E; a pattern JavaScript cannot read is taken literally.
    return value === pattern;
  }
}

// The architecture a kernel tree was configured for, in uname -m's names.
export function configArch(config: Map<string, string> | undefined, fallback: string): string {
  const known: [string, string][] = [
    ["CONFIG_X86_64", "x86_64"],
    ["CONFIG_ARM64", "aarch64"],
    ["CONFIG_ARM", "armv7l"],
    ["CONFIG_X86_32", "i686"],
    ["CONFIG_RISCV", "riscv64"],
    ["CONFIG_PPC64", "ppc64le"],
    ["CONFIG_S390", "s390x"],
  ];
  return known.find(([option]) => config?.get(option) === "y")?.[1] ?? fallback;
}

// A run that builds nothing because every kernel is outside the gates: fine when the user chose the gates
// (kforge.json, or --allow-skip), a failure when they come from dkms.conf, so CI never goes green on nothing.
export function emptyRunRefusal(
  chosen: Pick<ChosenGates, "source">,
  run: { built: number; skipped: { release: string; reason: string }[]; allowSkip?: boolean },
): KforgeError | undefined {
  if (run.built > 0 || run.skipped.length === 0 || chosen.source !== "dkms.conf" || run.allowSkip) return undefined;
  const first = run.skipped[0]!;
  const kernels = run.skipped.length === 1 ? `kernel ${first.release} was` : `all ${run.skipped.length} kernels were`;
  return new KforgeError(`nothing was built: ${kernels} skipped by dkms.conf's BUILD_EXCLUSIVE_* gates (${first.reason})`, {
    hint:
      "build for a kernel inside the gates, fix the gate in dkms.conf, or, when skipping is intended, pass --allow-skip " +
      '(or set "gates" in kforge.json: gates chosen there may skip every kernel)',
  });
}
