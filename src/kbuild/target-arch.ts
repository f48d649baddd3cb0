// Pure: which architecture a build tree is configured for, and whether a requested ARCH= matches it.
// Debian's headers pin ARCH (`override ARCH = x86` in .kernelvariables), so a mismatch would
// otherwise build a module for the tree's architecture and report success.
import type { KernelConfig } from "../kernel/kernel-config.js";
import { lastVariableValue } from "./make-arguments.js";

// Checked in order: UML sets CONFIG_X86_64 too, and 64-bit x86 sets CONFIG_X86.
const CONFIG_ARCHES: [string, string][] = [
  ["CONFIG_UML", "um"],
  ["CONFIG_X86_64", "x86_64"],
  ["CONFIG_X86", "i386"],
  ["CONFIG_ARM64", "arm64"],
  ["CONFIG_ARM", "arm"],
  ["CONFIG_RISCV", "riscv"],
  ["CONFIG_PPC", "powerpc"],
  ["CONFIG_S390", "s390"],
  ["CONFIG_LOONGARCH", "loongarch"],
];

// Names people pass for ARCH= mapped to the kernel's; "x86" covers both x86 flavours.
const ALIASES: Record<string, string> = {
  amd64: "x86_64",
  x86_32: "i386",
  i686: "i386",
  aarch64: "arm64",
  riscv64: "riscv",
  riscv32: "riscv",
  ppc: "powerpc",
  ppc64: "powerpc",
  ppc64le: "powerpc",
  powerpc64: "powerpc",
  s390x: "s390",
  loong64: "loongarch",
};

// undefined when the config names none of the architectures above.
export function archFromConfig(config: KernelConfig): string | undefined {
  return CONFIG_ARCHES.find(([option]) => config.get(option) === "y")?.[1];
}

// The ARCH= make will see: a pass-through variable comes after --arch on make's command line and wins.
export function requestedArch(arch: string | undefined, variables: readonly string[] | undefined): string | undefined {
  const passed = lastVariableValue(variables, "ARCH");
  return passed === undefined ? arch || undefined : passed || undefined;
}

export function archMatches(requested: string, configured: string): boolean {
  const normalized = ALIASES[requested] ?? requested;
  if (normalized === "x86") return configured === "x86_64" || configured === "i386";
  return normalized === configured;
}
