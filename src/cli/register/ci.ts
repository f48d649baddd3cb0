// `kforge ci init`: a CI workflow that builds and tests the module for each kernel.
import type { CommandSpec } from "./command-spec.js";

export const CI_COMMANDS: CommandSpec[] = [
  {
    name: "ci",
    description: "CI workflows that build and test the module for many kernels",
    subcommands: [
      {
        name: "init [dir]",
        description: "write a GitHub Actions workflow or a GitLab pipeline for the module in dir (default: .): one job per kernel",
        options: ["provider", "kernels", "image", "kforgeFrom", ["force", "replace an existing workflow file"]],
        load: () => import("../commands/ci-init.js").then((module) => module.ciInitCommand),
      },
    ],
  },
];
