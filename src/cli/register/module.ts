// The module commands: info, lsmod, taint, deps (inspection) and load, unload, reload (host).
import type { CommandSpec, OptionUse } from "./command-spec.js";

const HOST_EXIT_CODES =
  "Exit codes: 0 done and verified in /proc/modules, 1 a step failed (diagnosis " +
  "on stderr), 2 usage or environment error (no module support, not root).";
const json: OptionUse = ["json", "print one JSON object"];
const withTargets = ([targets]: unknown[], flags: Record<string, unknown>) => ({ ...flags, targets: (targets as string[]) ?? [] });

export const MODULE_COMMANDS: CommandSpec[] = [
  {
    name: "info <file>",
    description: "show a .ko's modinfo (read from the ELF), signature, and the taints and vermagic problems it would cause",
    options: ["kernel", "kdir", json],
    load: () => import("../commands/info.js").then((module) => module.infoCommand),
    toOptions: ([file], flags) => ({ ...flags, file: file as string }),
  },
  {
    name: "lsmod [filter]",
    description: "list loaded modules from /proc/modules: size, users, state, taints",
    options: [json, "file", "procRoot"],
    helpAfter:
      "Exit codes: 0 listed, 1 the filter matched nothing, 2 no /proc/modules (kernel " +
      "without module support), or --file/--proc-root is not a /proc/modules copy.",
    load: () => import("../commands/lsmod.js").then((module) => module.lsmodCommand),
    toOptions: ([filter], flags) => ({ ...flags, filter: filter as string | undefined }),
  },
  {
    name: "taint [value]",
    description: "decode the kernel's taint value (default: /proc/sys/kernel/tainted) and the taints of loaded modules",
    options: [json, "procRoot"],
    load: () => import("../commands/taint.js").then((module) => module.taintCommand),
    toOptions: ([value], flags) => ({ ...flags, value: value as string | undefined }),
  },
  {
    name: "deps [targets...]",
    description: "for built modules (dir or .ko files, default: .), the symbols each needs, who provides them, and the load order",
    options: ["kernel", "kdir", json],
    helpAfter:
      "Exit codes: 0 every symbol has a provider, 1 some symbol has none or a module was built " +
      "for another kernel, 2 usage or environment error (also a file that is not a kernel module).",
    load: () => import("../commands/deps.js").then((module) => module.depsCommand),
    toOptions: withTargets,
  },
  {
    name: "load [targets...]",
    description: "insmod built modules (dir or .ko files, default: the current dir's last build) on this host, providers first",
    options: ["sudo", "procRoot"],
    helpAfter:
      `Module parameters go after a bare --: param=value (one module) or ` +
      `module.param=value; kforge.json "params" supplies defaults.\n${HOST_EXIT_CODES}`,
    load: () => import("../commands/load.js").then((module) => module.loadCommand),
    toOptions: withTargets,
  },
  {
    name: "unload [names...]",
    description: "rmmod modules by name (default: the current dir's built modules, in reverse load order)",
    options: ["sudo", "procRoot"],
    helpAfter: HOST_EXIT_CODES,
    load: () => import("../commands/unload.js").then((module) => module.unloadCommand),
    toOptions: ([names], flags) => ({ ...flags, names: (names as string[]) ?? [] }),
  },
  {
    name: "reload [targets...]",
    description: "unload the modules (if loaded) and load the new build",
    options: ["sudo", "procRoot"],
    helpAfter: HOST_EXIT_CODES,
    load: () => import("../commands/reload.js").then((module) => module.reloadCommand),
    toOptions: withTargets,
  },
];
