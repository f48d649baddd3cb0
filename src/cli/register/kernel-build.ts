// `kforge kernel build` and `kforge kernel config`: guest and debug kernels kforge builds itself.
import type { Command } from "commander";
import type { KernelBuildCommandOptions } from "../commands/kernel-build.js";
import type { KernelConfigCommandOptions } from "../commands/kernel-config.js";
import type { ProgramState } from "../program.js";
import { lazyAction, parseNonEmpty, parsePositiveInteger } from "./lazy.js";

export function registerKernelBuild(kernel: Command, state: ProgramState): void {
  kernel
    .command("build [version]")
    .description(
      "build a minimal guest kernel (--debug: KASAN, KFENCE, UBSAN, lockdep, kmemleak, KUnit) from Debian's linux-source-<version> or --source, and register it in kforge's cache",
    )
    .option("--source <dir|tarball>", "build this kernel source dir or tarball instead of Debian's package", parseNonEmpty("--source"))
    .option("--debug", "add the memory, locking and leak checkers and KUnit (release <version>-kforge-debug)")
    .option(
      "--for <dir>",
      "a project variant: add the in-tree modules the project's built modules need and its kforge.json debugKernel.config (release <version>-kforge-debug-<key>)",
      parseNonEmpty("--for"),
    )
    .option("-j, --jobs <n>", "parallel make jobs (default: number of CPUs)", parsePositiveInteger("--jobs"))
    .option("--force", "run make even when the registered kernel is up to date")
    .option("-v, --verbose", "show make's raw output")
    .option("--json", "print one JSON object with the result on stdout")
    .addHelpText(
      "after",
      "\nThe release is <source version>-kforge (or -kforge-debug); build modules for it with kforge build --kernel <release>.\nExit codes: 0 built or up to date, 1 the build failed, 2 usage or environment error, 130 interrupted (run again to resume).",
    )
    .action(
      lazyAction<KernelBuildCommandOptions>(
        state,
        () => import("../commands/kernel-build.js").then((module) => module.kernelBuildCommand),
        ([version], flags) => ({ ...flags, version: version as string | undefined }),
      ),
    );
  kernel
    .command("config <release>")
    .description("print the configuration a kernel was built with (for a kforge-built one, the .config kforge made)")
    .option("--fragment", "print only the fragment kforge merged onto tinyconfig")
    .action(
      lazyAction<KernelConfigCommandOptions>(
        state,
        () => import("../commands/kernel-config.js").then((module) => module.kernelConfigCommand),
        ([release], flags) => ({ ...flags, release: release as string }),
      ),
    );
}
