// Registers the module commands: info, lsmod, taint, deps (inspection) and load, unload, reload (host).
import type { Command } from "commander";
import type { DepsCommandOptions } from "../commands/deps.js";
import type { InfoCommandOptions } from "../commands/info.js";
import type { LoadCommandOptions } from "../commands/load.js";
import type { LsmodCommandOptions } from "../commands/lsmod.js";
import type { ReloadCommandOptions } from "../commands/reload.js";
import type { TaintCommandOptions } from "../commands/taint.js";
import type { UnloadCommandOptions } from "../commands/unload.js";
import type { ProgramState } from "../program.js";
import { lazyAction, addKernelOptions } from "./lazy.js";

const PROC_ROOT = [
  "--proc-root <dir>",
  "read modules, sys/kernel/tainted and kmsg (a recorded /dev/kmsg dump) under dir instead of /proc",
] as const;
const HOST_EXIT_CODES =
  "\nExit codes: 0 done and verified in /proc/modules, 1 a step failed (diagnosis on stderr), 2 usage or environment error (no module support, not root).";

export function registerModuleCommands(program: Command, state: ProgramState): void {
  registerInspection(program, state);
  registerHost(program, state);
}

function registerInspection(program: Command, state: ProgramState): void {
  addKernelOptions(
    program
      .command("info <file>")
      .description("show a .ko's modinfo (read from the ELF), signature, and the taints and vermagic problems it would cause"),
    "kernel to compare vermagic and signing against (default: running, else newest installed)",
    "kernel build tree to compare against",
  )
    .option("--json", "print one JSON object")
    .action(
      lazyAction<InfoCommandOptions>(
        state,
        () => import("../commands/info.js").then((module) => module.infoCommand),
        ([file], flags) => ({ ...flags, file: file as string }),
      ),
    );
  program
    .command("lsmod [filter]")
    .description("list loaded modules from /proc/modules: size, users, state, taints")
    .option("--json", "print one JSON object")
    .option("--file <path>", "parse this file instead of /proc/modules")
    .option(...PROC_ROOT)
    .addHelpText(
      "after",
      "\nExit codes: 0 listed, 1 the filter matched nothing, 2 no /proc/modules (kernel without module support), or --file/--proc-root is not a /proc/modules copy.",
    )
    .action(
      lazyAction<LsmodCommandOptions>(
        state,
        () => import("../commands/lsmod.js").then((module) => module.lsmodCommand),
        ([filter], flags) => ({ ...flags, filter: filter as string | undefined }),
      ),
    );
  program
    .command("taint [value]")
    .description("decode the kernel's taint value (default: /proc/sys/kernel/tainted) and the taints of loaded modules")
    .option("--json", "print one JSON object")
    .option(...PROC_ROOT)
    .action(
      lazyAction<TaintCommandOptions>(
        state,
        () => import("../commands/taint.js").then((module) => module.taintCommand),
        ([value], flags) => ({ ...flags, value: value as string | undefined }),
      ),
    );
  addKernelOptions(
    program
      .command("deps [targets...]")
      .description("for built modules (dir or .ko files, default: .), the symbols each needs, who provides them, and the load order"),
    "kernel whose Module.symvers and modules.symbols resolve symbols",
    "kernel build tree to resolve against",
  )
    .option("--json", "print one JSON object")
    .addHelpText(
      "after",
      "\nExit codes: 0 every symbol has a provider, 1 some symbol has none or a module was built for another kernel, 2 usage or environment error (also a file that is not a kernel module).",
    )
    .action(
      lazyAction<DepsCommandOptions>(
        state,
        () => import("../commands/deps.js").then((module) => module.depsCommand),
        ([targets], flags) => ({ ...flags, targets: (targets as string[]) ?? [] }),
      ),
    );
}

function registerHost(program: Command, state: ProgramState): void {
  program
    .command("load [targets...]")
    .description("insmod built modules (dir or .ko files, default: the current dir's last build) on this host, providers first")
    .option("--sudo", "run insmod/modprobe through sudo -n")
    .option(...PROC_ROOT)
    .addHelpText(
      "after",
      `\nModule parameters go after a bare --: param=value (one module) or module.param=value; kforge.json "params" supplies defaults.${HOST_EXIT_CODES}`,
    )
    .action(
      lazyAction<LoadCommandOptions>(
        state,
        () => import("../commands/load.js").then((module) => module.loadCommand),
        ([targets], flags) => ({ ...flags, targets: (targets as string[]) ?? [] }),
      ),
    );
  program
    .command("unload [names...]")
    .description("rmmod modules by name (default: the current dir's built modules, in reverse load order)")
    .option("--sudo", "run rmmod through sudo -n")
    .option(...PROC_ROOT)
    .addHelpText("after", HOST_EXIT_CODES)
    .action(
      lazyAction<UnloadCommandOptions>(
        state,
        () => import("../commands/unload.js").then((module) => module.unloadCommand),
        ([names], flags) => ({ ...flags, names: (names as string[]) ?? [] }),
      ),
    );
  program
    .command("reload [targets...]")
    .description("unload the modules (if loaded) and load the new build")
    .option("--sudo", "run the module tools through sudo -n")
    .option(...PROC_ROOT)
    .addHelpText("after", HOST_EXIT_CODES)
    .action(
      lazyAction<ReloadCommandOptions>(
        state,
        () => import("../commands/reload.js").then((module) => module.reloadCommand),
        ([targets], flags) => ({ ...flags, targets: (targets as string[]) ?? [] }),
      ),
    );
}
