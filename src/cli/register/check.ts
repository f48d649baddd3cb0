// `kforge check`: the kernel's static checkers over the files the project builds.
import type { CommandSpec } from "./command-spec.js";

export const CHECK_COMMANDS: CommandSpec[] = [
  {
    name: "check [dir]",
    description: "run checkpatch.pl, sparse, the build at W=1 and coccicheck over the files the module in dir (default: .) builds",
    options: [
      ["kernel", "kernel release whose kbuild builds and runs sparse (default: kforge.json kernel, else running, else newest installed)"],
      "kdir",
      "checker",
      "failOn",
      ["timeout", "stop a checker process that runs longer (default: kforge.json check.timeout, else 300)"],
      ["jobs", "checker processes at once, and make's -j (default: kforge.json make.jobs, else the number of CPUs)"],
      ["source", "kernel source tree with scripts/checkpatch.pl and scripts/coccinelle/ (default: kforge.json check.source)"],
      ["json", "print one JSON object with the findings on stdout and nothing else there"],
      "sarif",
      "annotations",
      ["codequality", "write a GitLab Code Quality report of the findings"],
    ],
    helpAfter:
      "Make variables go after a bare --, e.g. kforge check -- CHECK=/opt/sparse/bin/sparse\n" +
      "Exit codes: 0 passed, 1 findings that fail the run or a checker failed, 2 usage or environment error, 130 interrupted.",
    load: () => import("../commands/check.js").then((module) => module.checkCommand),
  },
];
