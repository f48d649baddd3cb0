// The gcov that reads a kernel's module coverage: gcov understands only the files of its own GCC
// major, so it is the gcov of the compiler the kernel (and so the module) was built with:
// `gcov-12` for "gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0", a cross prefix kept.
import { EnvironmentError } from "../errors.js";
import { compilerCandidates, compilerVersion } from "../kernel/compiler.js";
import type { KernelConfig } from "../kernel/kernel-config.js";
import { run } from "../process/exec.js";

export interface GcovTool {
  command: string;
  gccMajor: number;
}

const majorOf = (banner: string | undefined) => Number((banner && compilerVersion(banner))?.split(".")[0] ?? Number.NaN);

// Pure: the gcov commands to try for a kernel's compiler, most specific first.
export function gcovCandidates(kernelCompiler: string): string[] {
  const major = majorOf(kernelCompiler);
  const named = compilerCandidates(kernelCompiler, false).map((command) => command.replace(/gcc(-\d+)?$/, "gcov$1"));
  return [...new Set([...named.slice(0, -1), ...(Number.isNaN(major) ? [] : [`gcov-${major}`]), "gcov"])];
}

// Pure: the first candidate of the kernel's GCC major, or the error that names what was found instead.
export function pickGcov(kernelMajor: number, found: { command: string; banner: string }[], release: string): GcovTool {
  const match = found.find((candidate) => majorOf(candidate.banner) === kernelMajor);
  if (match) return { command: match.command, gccMajor: kernelMajor };
  const others = found.map((candidate) => `${candidate.command} is GCC ${majorOf(candidate.banner)}'s`).join(", ");
  throw new EnvironmentError(
    others
      ? `no gcov of GCC ${kernelMajor}, which built ${release}: ${others}, and gcov reads only the files of its own GCC major`
      : `no gcov found for GCC ${kernelMajor}, which built ${release}`,
    `install the compiler the kernel was built with (it provides gcov-${kernelMajor}): apt-get install gcc-${kernelMajor}`,
  );
}

export async function findGcov(config: KernelConfig | undefined, release: string): Promise<GcovTool> {
  const compiler = config?.get("CONFIG_CC_VERSION_TEXT");
  if (config?.get("CONFIG_CC_IS_CLANG") === "y" || !compiler) {
    const built = compiler ? `was built with ${compiler}` : "does not say which compiler built it (no CONFIG_CC_VERSION_TEXT)";
    throw new EnvironmentError(
      `coverage reads GCC's gcov data, but ${release} ${built}`,
      "use a GCC-built kernel: kforge test --coverage picks kforge's debug kernel for the release",
    );
  }
  const found: { command: string; banner: string }[] = [];
  for (const command of gcovCandidates(compiler)) {
    const result = await run(command, ["--version"]);
    if (!result.notFound && result.exitCode === 0) found.push({ command, banner: result.stdout.split("\n")[0]!.trim() });
  }
  return pickGcov(majorOf(compiler), found, release);
}
