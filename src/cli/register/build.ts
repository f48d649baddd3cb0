// Registers the build-side commands: build and clean (kernels and doctor join them here).
import { InvalidArgumentError, type Command } from "commander";
import type { BuildCommandOptions } from "../commands/build.js";
import type { CleanCommandOptions } from "../commands/clean.js";
import type { ProgramState } from "../program.js";
import { lazyAction, parsePositiveInteger, addKernelOptions, parseNonEmpty, withDir } from "./lazy.js";

export function registerBuildCommands(program: Command, state: ProgramState): void {
  registerBuild(program, state);
  registerClean(program, state);
}

function parseWarningLevel(value: string): number {
  if (!["1", "2", "3"].includes(value)) throw new InvalidArgumentError(`--warnings takes 1, 2 or 3 (kbuild's W= levels), got "${value}"`);
  return Number(value);
}

// Shared with kforge test: dkms.conf's gates were written for DKMS, not chosen for this run.
export const ALLOW_SKIP_HELP =
  "exit 0 when dkms.conf's BUILD_EXCLUSIVE_* gates skip every kernel (without it such a run fails: nothing was built)";

// --kernel repeats: each value adds a kernel to the matrix.
export function collectKernels(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), parseNonEmpty("--kernel")(value)];
}

// Flags carry no commander defaults: kforge.json is merged first, then defaults apply.
function registerBuild(program: Command, state: ProgramState): void {
  program
    .command("build [dir]")
    .description("build the modules in dir (default: .) with the kernel's kbuild")
    .option(
      "-k, --kernel <release>",
      "kernel release to build for (default: running kernel, else newest installed); repeat it, or say all, to build for several kernels in parallel",
      collectKernels,
    )
    .option("--kdir <path>", "kernel build tree to use instead of /lib/modules/<release>/build", parseNonEmpty("--kdir"))
    .option("-j, --jobs <n>", "parallel make jobs (default: number of CPUs)", parsePositiveInteger("--jobs"))
    .option("--llvm", "build with clang and the LLVM tools (LLVM=1)")
    .option("--arch <arch>", "target architecture (ARCH=)")
    .option("--cross-compile <prefix>", "toolchain prefix, e.g. aarch64-linux-gnu- (CROSS_COMPILE=)")
    .option("--warnings <level>", "extra warnings, kbuild's W=1|2|3", parseWarningLevel)
    .option("--check", "run sparse on every source file (C=2)")
    .option("--werror", "fail the build on any warning")
    .option("-v, --verbose", "show make's raw output and full commands (V=1)")
    .option("--force", "run make even when nothing changed since the last build")
    .option("--json", "print one JSON object with the result on stdout and nothing else there")
    .option("--junit <file>", "write a JUnit XML report: one test case per kernel × module", parseNonEmpty("--junit"))
    .option(
      "--annotations <provider>",
      "CI annotations: github (default when GITHUB_ACTIONS=true) or gitlab",
      parseNonEmpty("--annotations"),
    )
    .option("--codequality <file>", "write a GitLab Code Quality report of the diagnostics", parseNonEmpty("--codequality"))
    .option("--allow-skip", ALLOW_SKIP_HELP)
    .addHelpText(
      "after",
      "\nMake variables go after a bare --, e.g. kforge build -- KCFLAGS=-DDEBUG\nExit codes: 0 built, 1 build failed, 2 usage or environment error, 130 interrupted.",
    )
    .action(lazyAction<BuildCommandOptions>(state, () => import("../commands/build.js").then((module) => module.buildCommand), withDir));
}

function registerClean(program: Command, state: ProgramState): void {
  addKernelOptions(
    program.command("clean [dir]").description("run kbuild's clean in dir (default: .) and remove kforge's build state (.kforge/)"),
    "kernel release whose kbuild runs the clean",
  ).action(lazyAction<CleanCommandOptions>(state, () => import("../commands/clean.js").then((module) => module.cleanCommand), withDir));
}
