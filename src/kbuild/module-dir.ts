// Checks that a directory is something kbuild can build, before make gets to say so less clearly.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { assertFolder } from "../fs/check-path.js";
import { isAccessible } from "../fs/files.js";
import { archFromConfig, architectureNamed, archMatches, parseDebianRelease, type Architecture } from "../kernel/architecture.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { distroFamily, headersInstallHint, readOsRelease } from "../kernel/os-release.js";
import { lastVariableValue } from "./make-arguments.js";

// kbuild reads Kbuild first and falls back to Makefile.
const KBUILD_FILES = ["Kbuild", "Makefile", "GNUmakefile", "makefile"];

// Characters of a path that kbuild cannot take in M=, each tried with Debian's 6.1 and 6.12 trees: make
// splits M= at whitespace ("building multiple external modules is not supported"), expands $, reads
// ; # : % * ? as its own syntax ("missing separator"), and the shell recipes break on quotes, \, `,
// &, |, (, ), < and >; a comma becomes _ in kbuild's dependency file names.
const UNBUILDABLE = /[\s$;#:%*?'"\\`&|()<>,]/;

export async function assertModuleDir(dir: string): Promise<void> {
  await assertFolder(dir, "module directory");
  const unbuildable = UNBUILDABLE.exec(dir)?.[0];
  if (unbuildable !== undefined) {
    const named = /\s/.test(unbuildable) ? "whitespace" : `"${unbuildable}"`;
    throw new UsageError(
      `kbuild cannot build a module dir whose path contains ${named}: "${dir}"`,
      `move or rename the directory (or the folder above it) to a path ` +
        `without ${/\s/.test(unbuildable) ? "spaces" : named}, then build there`,
    );
  }
  if ((await readKbuildFiles(dir)).length === 0) {
    throw new UsageError(
      `${dir} has no Kbuild or Makefile, so kbuild does not know which modules to build`,
      "add a Kbuild file with a line like `obj-m += hello.o`, or create a module with `kforge new <name>`",
    );
  }
}

// The text of each Kbuild/Makefile present in dir.
export async function readKbuildFiles(dir: string): Promise<string[]> {
  const texts = await Promise.all(KBUILD_FILES.map((name) => readFile(join(dir, name), "utf8").catch(() => undefined)));
  return texts.filter((text): text is string => text !== undefined);
}

export async function assertKernelTree(kdir: string, release: string): Promise<void> {
  if (await isAccessible(join(kdir, "Makefile"))) return;
  const install = headersInstallHint(distroFamily(await readOsRelease()), release);
  throw new EnvironmentError(
    `no kernel build tree for ${release} at ${kdir} (its Makefile is missing)`,
    `install the headers: ${install}, or pass --kdir <path to a configured kernel tree>`,
  );
}

// Refuses an ARCH= the build tree was not configured for; skipped when its config can't be read.
export async function assertTargetArch(kdir: string, release: string, requested: string | undefined): Promise<void> {
  if (requested === undefined) return;
  const config = await readKernelConfig(kdir);
  const configured = config && archFromConfig(config);
  if (configured === undefined || archMatches(requested, configured)) return;
  throw new UsageError(
    `cannot build for ${requested}: this build tree (${kdir}) is configured for ${configured}`,
    `to cross-compile you need a build tree configured for ${requested}: ${fetchSuggestion(release, requested)}` +
      "or your own kernel tree passed with --kdir; a tree's architecture needs no --arch",
  );
}

// "kforge kernel fetch 6.1.0-57-arm64 gives Debian's, " for an architecture Debian and kforge know.
function fetchSuggestion(release: string, requested: string): string {
  const version = parseDebianRelease(release)?.version;
  const flavour = architectureNamed(requested)?.flavours[0];
  return version && flavour ? `\`kforge kernel fetch ${version}-${flavour}\` gives Debian's (then --kernel ${version}-${flavour}), ` : "";
}

// A module must be built with the kernel's own compiler family: LLVM=1 against a gcc-configured tree
// fails on gcc-only flags (Debian's headers also pin CC=gcc-12, so LLVM=1 alone would silently use gcc),
// and a clang-built kernel needs LLVM=1 (DKMS does the same).
export async function resolveLlvm(kdir: string, requested: boolean | undefined): Promise<boolean> {
  const config = await readKernelConfig(kdir);
  if (requested && config?.get("CONFIG_CC_IS_GCC") === "y") {
    throw new UsageError(
      `--llvm builds with clang, but this kernel was built with ${config.get("CONFIG_CC_VERSION_TEXT") ?? "gcc"} (${kdir})`,
      "modules must be built with the kernel's compiler: drop --llvm, or " +
        "use the build tree of a kernel built with clang (CONFIG_CC_IS_CLANG=y)",
    );
  }
  return requested ?? config?.get("CONFIG_CC_IS_CLANG") === "y";
}

export interface ToolNeeds {
  check?: boolean;
  llvm?: boolean;
  crossCompile?: string;
  variables?: readonly string[];
  // The compiler the tree calls after CROSS_COMPILE ("gcc-12" in Debian's trees).
  compiler?: string;
  // The tree's architecture when it is not this machine's.
  foreign?: Architecture;
  release?: string;
}

// The tools a flag needs, checked up front: without them make fails halfway with a less clear message.
export async function assertBuildTools(needs: ToolNeeds): Promise<void> {
  const { which } = await import("../process/exec.js");
  if (!(await which("make"))) throw new EnvironmentError("make is not installed", "apt-get install make gcc (or build-essential)");
  if (needs.check) {
    const checker = lastVariableValue(needs.variables, "CHECK") ?? "sparse";
    if (!(await which(checker))) {
      throw new EnvironmentError(
        `--check runs ${checker} over every source file, and ${checker} is not installed`,
        "apt-get install sparse, or drop --check",
      );
    }
  }
  if (needs.llvm && !(await which("clang"))) {
    throw new EnvironmentError(
      "--llvm builds with clang and the LLVM tools, and clang is not installed",
      "apt-get install clang lld llvm, or drop --llvm",
    );
  }
  const prefix = lastVariableValue(needs.variables, "CROSS_COMPILE") ?? needs.crossCompile;
  if (prefix && !needs.llvm && !(await which(`${prefix}${needs.compiler ?? "gcc"}`))) throw crossCompilerError(needs, prefix);
}

function crossCompilerError(needs: ToolNeeds, prefix: string): EnvironmentError {
  const compiler = `${prefix}${needs.compiler ?? "gcc"}`;
  const { foreign } = needs;
  if (foreign && prefix === `${foreign.gnuType}-`) {
    const version = /^gcc-(\d+)$/.exec(needs.compiler ?? "")?.[1];
    return new EnvironmentError(
      `kernel ${needs.release ?? ""} is an ${foreign.debian} kernel, and building for it needs the cross compiler ${compiler}, ` +
        "which is not on PATH",
      `install Debian's ${foreign.debian} cross compiler: apt-get install gcc-${foreign.gnuType}` +
        (version ? ` (it must provide ${compiler}; where the default is newer, apt-get install gcc-${version}-${foreign.gnuType})` : "") +
        "; or pass --cross-compile <prefix> for another toolchain",
    );
  }
  return new EnvironmentError(
    `--cross-compile ${prefix} needs ${compiler}, which is not on PATH`,
    "install the cross toolchain (e.g. apt-get install gcc-aarch64-linux-gnu) and check the prefix ends with a dash",
  );
}
