// Registers the shipping commands: install, uninstall, sign, compile-commands and dkms init|check.
import { Option, type Command } from "commander";
import type { DkmsCommandOptions } from "../commands/dkms.js";
import type { CompileCommandsCommandOptions } from "../commands/compile-commands.js";
import type { InstallCommandOptions } from "../commands/install.js";
import type { SignCommandOptions } from "../commands/sign.js";
import type { ProgramState } from "../program.js";
import { addKernelOptions, lazyAction, parseNonEmpty, withDir } from "./lazy.js";

export function registerShipCommands(program: Command, state: ProgramState): void {
  registerInstall(program, state, "install", "install the built modules of dir (default: .) where modprobe finds them, then run depmod");
  registerInstall(program, state, "uninstall", "remove exactly what kforge install put there, then run depmod");
  registerSign(program, state);
  registerCompileCommands(program, state);
  registerDkms(program, state);
}

function registerDkms(program: Command, state: ProgramState): void {
  const dkms = program.command("dkms").description("package the project for DKMS, which rebuilds it when the distro updates the kernel");
  dkms
    .command("init [dir]")
    .description("write dir/dkms.conf (default dir: .) from the built modules, kforge.json package and gates")
    .option("--force", "replace an existing dkms.conf")
    .action(lazyAction<DkmsCommandOptions>(state, () => import("../commands/dkms.js").then((module) => module.dkmsInitCommand), withDir));
  dkms
    .command("check [dir]")
    .description("check dir/dkms.conf against the modules the project really builds (reads it, never runs it)")
    .addHelpText("after", "\nExit codes: 0 matches, 1 problems found (listed on stderr), 2 no dkms.conf or no build.")
    .action(lazyAction<DkmsCommandOptions>(state, () => import("../commands/dkms.js").then((module) => module.dkmsCheckCommand), withDir));
}

function registerCompileCommands(program: Command, state: ProgramState): void {
  addKernelOptions(
    program
      .command("compile-commands [dir]")
      .description("write compile_commands.json in dir (default: .) from the last build, for clangd and editors"),
    "kernel the modules were built for (default: running, else newest installed)",
  ).action(
    lazyAction<CompileCommandsCommandOptions>(
      state,
      () => import("../commands/compile-commands.js").then((module) => module.compileCommandsCommand),
      withDir,
    ),
  );
}

function registerInstall(program: Command, state: ProgramState, name: "install" | "uninstall", description: string): void {
  const command = addKernelOptions(
    program.command(`${name} [dir]`).description(description),
    "kernel release to install for (default: running, else newest installed)",
  ).option(
    "--destdir <root>",
    "stage under this root (INSTALL_MOD_PATH, depmod -b) instead of the live system; needs no root",
    parseNonEmpty("--destdir"),
  );
  // uninstall finds the folder in install's manifest.
  if (name === "install") {
    command
      .addOption(
        new Option("--mod-dir <dir>", "folder under /lib/modules/<release> (INSTALL_MOD_DIR; default: updates)").choices([
          "updates",
          "extra",
        ]),
      )
      .option("--force", "replace files at the target that kforge did not install")
      .option("--autoload", "also write modules-load.d (load at boot) and modprobe.d (kforge.json params) entries");
  }
  command.action(
    lazyAction<InstallCommandOptions>(
      state,
      () => import("../commands/install.js").then((module) => (name === "install" ? module.installCommand : module.uninstallCommand)),
      withDir,
    ),
  );
}

function registerSign(program: Command, state: ProgramState): void {
  addKernelOptions(
    program.command("sign [dir]").description("sign the built modules of dir (default: .) with the kernel's scripts/sign-file"),
    "kernel whose sign-file and CONFIG_MODULE_SIG_HASH to use",
  )
    .option(
      "--key <pem>",
      "private key (default: KFORGE_SIGN_KEY, kforge.json sign.key, else the key from --generate-key)",
      parseNonEmpty("--key"),
    )
    .option(
      "--cert <der|pem>",
      "certificate (default: KFORGE_SIGN_CERT, kforge.json sign.cert, else the generated one)",
      parseNonEmpty("--cert"),
    )
    .option("--hash <algo>", "hash algorithm (default: the kernel's CONFIG_MODULE_SIG_HASH)", parseNonEmpty("--hash"))
    .option("--generate-key", "create a Secure Boot MOK key pair in the per-user key folder and print the mokutil step")
    .action(lazyAction<SignCommandOptions>(state, () => import("../commands/sign.js").then((module) => module.signCommand), withDir));
}
