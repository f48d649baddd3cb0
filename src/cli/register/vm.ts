// Registers the VM commands: vm, test --vm, and the kernel image cache (kernel fetch).
import { InvalidArgumentError, type Command } from "commander";
import type { KernelFetchOptions } from "../commands/kernel-fetch.js";
import { registerKernelBuild } from "./kernel-build.js";
import type { TestCommandOptions } from "../commands/test.js";
import type { VmCommandOptions } from "../commands/vm.js";
import type { WatchCommandOptions } from "../commands/watch.js";
import type { ProgramState } from "../program.js";
import { ALLOW_SKIP_HELP, collectKernels } from "./build.js";
import { lazyAction, parsePositiveInteger, parseNonEmpty, addKernelOptions, withDir } from "./lazy.js";

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function parseAccel(value: string): string {
  if (!["auto", "kvm", "tcg"].includes(value)) throw new InvalidArgumentError(`--accel takes auto, kvm or tcg, got "${value}"`);
  return value;
}

// Flags carry no commander defaults: kforge.json is merged first, then defaults apply.
const KERNEL_HELP = "kernel release to build for and boot (default: running kernel, else newest installed)";

function addVmOptions(command: Command, addKernel = (target: Command) => addKernelOptions(target, KERNEL_HELP)): Command {
  return addKernel(command)
    .option("--vm-kernel <vmlinuz>", "kernel image to boot instead of the one found for the release", parseNonEmpty("--vm-kernel"))
    .option(
      "--timeout <seconds>",
      "give up after this many seconds, with a diagnosis (default 60; 180 for a debug kernel)",
      parsePositiveInteger("--timeout"),
    )
    .option("--accel <mode>", "auto (KVM when it works, else TCG), kvm or tcg (default auto)", parseAccel)
    .option("--exec <command>", "shell command to run in the guest after loading (repeatable)", collect)
    .option("--shell", "open an interactive busybox shell in the guest with the modules loaded")
    .option("--memory <MiB>", "guest memory (default 256)", parsePositiveInteger("--memory"))
    .option("--append <arg>", "extra kernel command-line argument, e.g. module.sig_enforce=1 (repeatable)", collect)
    .option("--module <name>", "load only this project module and the modules it needs (repeatable)", collect)
    .option("--keep-going", "after a failed load, skip only the modules that need it and load the rest")
    .option("--cold", "boot the kernel even when a saved guest state would restore faster (docs/vm-fast-start.md)")
    .option(
      "--debug",
      "build for and boot the debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak) of the release's version (docs/debug-reports.md)",
    )
    .option("--json", "print one JSON object with the result on stdout and nothing else there")
    .addHelpText(
      "after",
      "\nModule parameters go after a bare --: name=value (single module) or module.name=value.\n" +
        "Exit codes: 0 every step passed and the kernel log is clean, 1 a step failed, a crash or a timeout,\n" +
        "2 usage or environment error, 130 interrupted.",
    );
}

// test takes several kernels: each value of a repeated --kernel adds one, "all" means every installed one.
function addTestKernelOptions(command: Command): Command {
  return command
    .option("-k, --kernel <release>", `${KERNEL_HELP}; repeat it, or say all, to test on several kernels`, collectKernels)
    .option("--kdir <path>", "kernel build tree to use instead of /lib/modules/<release>/build (one kernel only)", parseNonEmpty("--kdir"));
}

export function registerVmCommands(program: Command, state: ProgramState): void {
  addVmOptions(
    program.command("vm [dir]").description("boot a throwaway QEMU guest, load the modules in dir, run the test steps, report"),
  ).action(lazyAction<VmCommandOptions>(state, () => import("../commands/vm.js").then((module) => module.vmCommand), withDir));
  addVmOptions(
    program
      .command("test [dir]")
      .description("run the module's tests (vm.test in kforge.json) and its KUnit suites in a throwaway VM")
      .option("--vm", "run in a QEMU guest (required)"),
    addTestKernelOptions,
  )
    .option("--junit <file>", "write a JUnit XML report: one test case per kernel × step, or per KUnit case", parseNonEmpty("--junit"))
    .option("--allow-skip", ALLOW_SKIP_HELP)
    .action(lazyAction<TestCommandOptions>(state, () => import("../commands/test.js").then((module) => module.testCommand), withDir));
  addKernelOptions(
    program
      .command("watch [dir]")
      .description("rebuild on every save and reload the new modules into a guest that stays up (--host: the running kernel)"),
    "kernel release to build for and boot (default: running kernel, else newest installed)",
  )
    .option("--vm", "load into a QEMU guest that stays up (the default)")
    .option("--host", "load into the running kernel (needs module support, root or --sudo)")
    .option("--sudo", "with --host: run the module tools through sudo -n")
    .option("--proc-root <dir>", "with --host: read modules and kmsg under dir instead of /proc", parseNonEmpty("--proc-root"))
    .option(
      "--debug",
      "build for and boot the debug kernel (KASAN, KFENCE, UBSAN, lockdep) of the release's version (docs/debug-reports.md)",
    )
    .option("--module <name>", "watch and reload only this module and what it needs (repeatable)", collect)
    .option("--vm-kernel <vmlinuz>", "kernel image to boot instead of the one found for the release", parseNonEmpty("--vm-kernel"))
    .option("--accel <mode>", "auto (KVM when it works, else TCG), kvm or tcg (default auto)", parseAccel)
    .option("--memory <MiB>", "guest memory (default 256)", parsePositiveInteger("--memory"))
    .option(
      "--timeout <seconds>",
      "a load or test step still running after this long is a hang (default 60; 180 for a debug kernel)",
      parsePositiveInteger("--timeout"),
    )
    .option("--json", "print one JSON object per event (NDJSON) on stdout")
    .addHelpText(
      "after",
      "\nModule parameters go after a bare --: name=value (single module) or module.name=value.\nOn a terminal: r or Enter rebuilds and reloads, t reruns the tests, c clears, q or Ctrl-C quits.\nExit codes: 0 quit with q, 2 usage or environment error, 130 interrupted.",
    )
    .action(lazyAction<WatchCommandOptions>(state, () => import("../commands/watch.js").then((module) => module.watchCommand), withDir));
  const kernel = program.command("kernel").description("kernel images for kforge vm");
  kernel
    .command("fetch <release>")
    .description("download a distro kernel image and its modules into kforge's cache (nothing installed system-wide)")
    .option("--force", "fetch again even when the cache has it")
    .option("--json", "print one JSON object with the result on stdout")
    .action(
      lazyAction<KernelFetchOptions>(
        state,
        () => import("../commands/kernel-fetch.js").then((module) => module.kernelFetchCommand),
        ([release], flags) => ({ ...(flags as Omit<KernelFetchOptions, "release">), release: release as string }),
      ),
    );
  registerKernelBuild(kernel, state);
  kernel
    .command("snapshots")
    .description("list the saved guest states kforge vm restores from, with their size and age")
    .option("--json", "print one JSON object with the states on stdout")
    .action(
      lazyAction(
        state,
        () => import("../commands/kernel-snapshots.js").then((module) => module.kernelSnapshotsCommand),
        (_positional, flags) => flags,
      ),
    );
  kernel
    .command("prune")
    .description("remove saved guest states (kforge vm boots cold once, then saves a new one)")
    .option("--stale", "only states whose kernel image is gone or has changed")
    .option("--json", "print one JSON object with what was removed on stdout")
    .action(
      lazyAction(
        state,
        () => import("../commands/kernel-prune.js").then((module) => module.kernelPruneCommand),
        (_positional, flags) => flags,
      ),
    );
}
