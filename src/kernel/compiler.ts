// Compares the compiler a kernel was built with (CONFIG_CC_VERSION_TEXT) with the one found on PATH:
// a mismatch is a classic cause of modules that build but misbehave or fail to load.
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

export async function checkCompiler(config: KernelConfig | undefined): Promise<CompilerCheck> {
  const kernel = config?.get("CONFIG_CC_VERSION_TEXT");
  const isClang = config?.get("CONFIG_CC_IS_CLANG") === "y";
  for (const command of compilerCandidates(kernel, isClang)) {
    const result = await run(command, ["--version"]);
    if (result.notFound || result.exitCode !== 0) continue;
    const host = result.stdout.split("\n")[0]?.trim();
    const mismatch = Boolean(kernel && host && compilerVersion(kernel) !== compilerVersion(host));
    return { kernel, host, hostCommand: command, mismatch };
  }
  return { kernel, host: undefined, hostCommand: undefined, mismatch: Boolean(kernel) };
}
