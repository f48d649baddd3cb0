// The build commands: build and clean.
import type { CommandSpec } from "./command-spec.js";

export const BUILD_COMMANDS: CommandSpec[] = [
  {
    name: "build [dir]",
    description: "build the modules in dir (default: .) with the kernel's kbuild",
    options: [
      "kernel",
      "kdir",
      "jobs",
      "llvm",
      "arch",
      "crossCompile",
      "warnings",
      "check",
      "werror",
      "verbose",
      "force",
      "json",
      "junit",
      "annotations",
      "codequality",
      "allowSkip",
    ],
    helpAfter:
      "Make variables go after a bare --, e.g. kforge build -- KCFLAGS=-DDEBUG\n" +
      "Exit codes: 0 built, 1 build failed, 2 usage or environment error, 130 interrupted.",
    load: () => import("../commands/build.js").then((module) => module.buildCommand),
  },
  {
    name: "clean [dir]",
    description: "run kbuild's clean in dir (default: .) and remove kforge's build state (.kforge/)",
    options: ["kernel", "kdir"],
    load: () => import("../commands/clean.js").then((module) => module.cleanCommand),
  },
];
