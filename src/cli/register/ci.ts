// Registers `kforge ci init`: a CI workflow that builds and tests the module for each kernel.
import type { Command } from "commander";
import type { CiInitCommandOptions } from "../commands/ci-init.js";
import type { ProgramState } from "../program.js";
import { lazyAction, parseNonEmpty, withDir } from "./lazy.js";

export function registerCiCommands(program: Command, state: ProgramState): void {
  const ci = program.command("ci").description("CI workflows that build and test the module for many kernels");
  ci.command("init [dir]")
    .description("write a GitHub Actions workflow or a GitLab pipeline for the module in dir (default: .): one job per kernel")
    .option(
      "--provider <name>",
      "github (.github/workflows/kforge.yml, the default) or gitlab (.gitlab-ci.yml)",
      parseNonEmpty("--provider"),
    )
    .option(
      "--kernels <releases>",
      "comma-separated releases, one job each (default: kforge.json kernel, else the kernels installed here)",
      parseNonEmpty("--kernels"),
    )
    .option(
      "--image <image>",
      "container image of every job; its apt must have the kernels' headers (default node:20-bookworm)",
      parseNonEmpty("--image"),
    )
    .option(
      "--kforge-from <git-url>",
      "git repository (optionally #commit) the CI job installs kforge from (default: this kforge checkout's origin, at its commit)",
      parseNonEmpty("--kforge-from"),
    )
    .option("--force", "replace an existing workflow file")
    .action(
      lazyAction<CiInitCommandOptions>(state, () => import("../commands/ci-init.js").then((module) => module.ciInitCommand), withDir),
    );
}
