// Registers `kforge check`: the kernel's static checkers over the files the project builds.
import type { Command } from "commander";
import type { CheckCommandOptions } from "../commands/check.js";
import type { ProgramState } from "../program.js";
import { addKernelOptions, lazyAction, parseNonEmpty, parsePositiveInteger, withDir } from "./lazy.js";

// --checker repeats, or takes a comma-separated list.
const collectCheckers = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...parseNonEmpty("--checker")(value)
    .split(",")
    .map((name) => name.trim()),
];

export function registerCheckCommands(program: Command, state: ProgramState): void {
  addKernelOptions(
    program
      .command("check [dir]")
      .description("run checkpatch.pl, sparse, the build at W=1 and coccicheck over the files the module in dir (default: .) builds"),
    "kernel release whose kbuild builds and runs sparse (default: running kernel, else newest installed)",
  )
    .option(
      "--checker <name>",
      "run only this checker: checkpatch, sparse, w1 or coccinelle (repeatable, or comma-separated)",
      collectCheckers,
    )
    .option(
      "--fail-on <severities>",
      "severities that fail the run (exit 1), comma-separated: error, warning, note, or none (default: error)",
    )
    .option("--timeout <seconds>", "stop a checker process that runs longer (default: 300)", parsePositiveInteger("--timeout"))
    .option("-j, --jobs <n>", "checker processes at once, and make's -j (default: number of CPUs)", parsePositiveInteger("--jobs"))
    .option("--source <dir>", "kernel source tree with scripts/checkpatch.pl and scripts/coccinelle/", parseNonEmpty("--source"))
    .option("--json", "print one JSON object with the findings on stdout and nothing else there")
    .option("--sarif <file>", "write a SARIF 2.1.0 report (GitHub code scanning)", parseNonEmpty("--sarif"))
    .option(
      "--annotations <provider>",
      "CI annotations: github (default when GITHUB_ACTIONS=true) or gitlab",
      parseNonEmpty("--annotations"),
    )
    .option("--codequality <file>", "write a GitLab Code Quality report of the findings", parseNonEmpty("--codequality"))
    .addHelpText(
      "after",
      "\nMake variables go after a bare --, e.g. kforge check -- CHECK=/opt/sparse/bin/sparse\n" +
        "Exit codes: 0 passed, 1 findings that fail the run or a checker failed, 2 usage or environment error, 130 interrupted.",
    )
    .action(lazyAction<CheckCommandOptions>(state, () => import("../commands/check.js").then((module) => module.checkCommand), withDir));
}
