// The shipping commands: install, uninstall, sign, compile-commands and dkms init|check.
import type { CommandSpec } from "./command-spec.js";

export const SHIP_COMMANDS: CommandSpec[] = [
  {
    name: "install [dir]",
    description: "install the built modules of dir (default: .) where modprobe finds them, then run depmod",
    options: ["kernel", "kdir", "destdir", "modDir", ["force", "replace files at the target that kforge did not install"], "autoload"],
    load: () => import("../commands/install.js").then((module) => module.installCommand),
  },
  {
    name: "uninstall [dir]",
    description: "remove exactly what kforge install put there, then run depmod",
    options: ["kernel", "kdir", "destdir"],
    load: () => import("../commands/install.js").then((module) => module.uninstallCommand),
  },
  {
    name: "sign [dir]",
    description: "sign the built modules of dir (default: .) with the kernel's scripts/sign-file",
    options: ["kernel", "kdir", "key", "cert", "hash", "generateKey"],
    load: () => import("../commands/sign.js").then((module) => module.signCommand),
  },
  {
    name: "compile-commands [dir]",
    description: "write compile_commands.json in dir (default: .) from the last build, for clangd and editors",
    options: ["kernel", "kdir"],
    load: () => import("../commands/compile-commands.js").then((module) => module.compileCommandsCommand),
  },
  {
    name: "dkms",
    description: "package the project for DKMS, which rebuilds it when the distro updates the kernel",
    subcommands: [
      {
        name: "init [dir]",
        description: "write dir/dkms.conf (default dir: .) from the built modules, kforge.json package and gates",
        options: [["force", "replace an existing dkms.conf"]],
        load: () => import("../commands/dkms.js").then((module) => module.dkmsInitCommand),
      },
      {
        name: "check [dir]",
        description: "check dir/dkms.conf against the modules the project really builds (reads it, never runs it)",
        helpAfter: "Exit codes: 0 matches, 1 problems found (listed on stderr), 2 no dkms.conf or no build.",
        load: () => import("../commands/dkms.js").then((module) => module.dkmsCheckCommand),
      },
    ],
  },
];
