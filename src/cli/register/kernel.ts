// `kforge kernels` and `kforge doctor`: discovery and readiness checks.
import type { Command } from "commander";
import type { ProgramState } from "../program.js";
import { lazyAction, parseNonEmpty, addKernelOptions } from "./lazy.js";

export function registerKernelCommands(program: Command, state: ProgramState): void {
  program
    .command("kernels")
    .description("list installed kernels that have a build tree (headers), and the kernels kforge kernel build made")
    .option("--json", "print one JSON object")
    .option("--kdir <path>", "also describe this build tree", parseNonEmpty("--kdir"))
    .action(
      lazyAction(
        state,
        () => import("../commands/kernels.js").then((module) => module.kernelsCommand),
        (_positional, flags) => ({ json: Boolean(flags.json), kdir: flags.kdir as string | undefined }),
      ),
    );

  addKernelOptions(
    program.command("doctor").description("check what building, loading and the VM need, and say how to fix each gap"),
    "check for this kernel release",
    "check this kernel build tree",
  )
    .option("--json", "print one JSON object")
    .action(
      lazyAction(
        state,
        () => import("../commands/doctor.js").then((module) => module.doctorCommand),
        (_positional, flags) => ({
          json: Boolean(flags.json),
          kernel: flags.kernel as string | undefined,
          kdir: flags.kdir as string | undefined,
        }),
      ),
    );
}
