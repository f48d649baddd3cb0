// Compares the compiler a kernel was built with (CONFIG_CC_VERSION_TEXT) with the one found on PATH:
// a mismatch is a classic cause of modules that build but misbehave or fail to load.
import { join } from "node:path";
import { readOptionalText } from "../fs/files.js";
import { run } from "../process/exec.js";
import type { KernelConfig } from "./kernel-config.js";

export interface CompilerCheck {
  // What the kernel was built with, e.g. "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0".
  kernel: string | undefined;
  // The first line of `<compiler> --version` on this machine, or undefined when not found.
  host: string | undefined;
  hostCommand: string | undefined;
  mismatch: boolean;
}

// Pure: the trailing version number of a compiler banner ("... 12.2.0" -> "12.2.0").
export function compilerVersion(banner: string): string | undefined {
  return /(\d+\.\d+(?:\.\d+)?)\s*$/.exec(banner.trim())?.[1] ?? /version (\d+\.\d+(?:\.\d+)?)/.exec(banner)?.[1];
}

// Pure: which commands to try for the kernel's compiler, most specific first
// ("x86_64-linux-gnu-gcc-12 ..." -> ["x86_64-linux-gnu-gcc-12", "gcc-12", "gcc"]).
export function compilerCandidates(kernelText: string | undefined, isClang: boolean): string[] {
  const family = isClang ? "clang" : "gcc";
  const named = kernelText?.split(/\s+/)[0];
  const candidates = new Set<string>();
  if (named && /(gcc|clang)/.test(named)) {
    candidates.add(named);
    candidates.add(named.replace(/^[a-z0-9_]+-linux-gnu-/, ""));
  }
  candidates.add(family);
  return [...candidates];
}

// prefix: the cross compiler's (CROSS_COMPILE) for a tree of another architecture.
export async function checkCompiler(config: KernelConfig | undefined, prefix = ""): Promise<CompilerCheck> {
  const kernel = config?.get("CONFIG_CC_VERSION_TEXT");
  const isClang = config?.get("CONFIG_CC_IS_CLANG") === "y";
  const candidates = compilerCandidates(kernel, isClang).map((command) => (isClang ? command : `${prefix}${command}`));
  for (const command of candidates) {
    const result = await run(command, ["--version"]);
    if (result.notFound || result.exitCode !== 0) continue;
    const host = result.stdout.split("\n")[0]?.trim();
    const mismatch = Boolean(kernel && host && compilerVersion(kernel) !== compilerVersion(host));
    return { kernel, host, hostCommand: command, mismatch };
  }
  return { kernel, host: undefined, hostCommand: undefined, mismatch: Boolean(kernel) };
}

// Pure: the GCC a Debian tree calls, from its .kernelvariables (`CC = ... $(CROSS_COMPILE)gcc-12`),
// where a plain kernel tree calls $(CROSS_COMPILE)gcc.
export function parseKernelVariablesCompiler(text: string): string | undefined {
  return /^CC\s*:?=.*\$\(CROSS_COMPILE\)(\S+)\s*$/m.exec(text)?.[1];
}

// The compiler command kbuild runs for this tree, without the cross prefix ("gcc-12", "gcc").
export async function readTreeCompiler(kdir: string): Promise<string> {
  const variables = await readOptionalText(join(kdir, ".kernelvariables"));
  return (variables && parseKernelVariablesCompiler(variables)) ?? "gcc";
}
