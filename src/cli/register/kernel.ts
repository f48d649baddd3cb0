// The kernel commands: kernels (what is installed), and kernel fetch|build|config|snapshots|prune
// (the images, guest kernels and saved guest states kforge keeps in its cache).
import type { CommandSpec } from "./command-spec.js";

const flagsOnly = (_positional: unknown[], flags: Record<string, unknown>) => flags;

export const KERNEL_COMMANDS: CommandSpec[] = [
  {
    name: "kernels",
    description: "list installed kernels that have a build tree (headers), and the kernels kforge kernel build made",
    options: [["json", "print one JSON object"], "kdir"],
    load: () => import("../commands/kernels.js").then((module) => module.kernelsCommand),
    toOptions: flagsOnly,
  },
  {
    name: "kernel",
    description: "kernel images, guest kernels and saved guest states in kforge's cache",
    subcommands: [
      {
        name: "fetch <release>",
        description:
          "download a distro kernel image and its modules into kforge's cache (nothing installed system-wide); for a release " +
          "of another architecture (-arm64, -armmp, or a name like linux-headers-arm64) also its headers, made buildable here",
        options: [["force", "fetch again even when the cache has it"], "json"],
        load: () => import("../commands/kernel-fetch.js").then((module) => module.kernelFetchCommand),
        toOptions: ([release], flags) => ({ ...flags, release: release as string }),
      },
      {
        name: "build [version]",
        description:
          "build a minimal guest kernel (--debug: KASAN, KFENCE, UBSAN, lockdep, kmemleak, KUnit) " +
          "from Debian's linux-source-<version> or --source, and register it in kforge's cache",
        options: ["source", "debug", "for", "jobs", ["force", "run make even when the registered kernel is up to date"], "verbose", "json"],
        helpAfter:
          "The release is <source version>-kforge (or -kforge-debug); build modules for it with kforge build --kernel <release>.\n" +
          "Exit codes: 0 built or up to date, 1 the build failed, 2 usage or environment error, 130 interrupted (run again to resume).",
        load: () => import("../commands/kernel-build.js").then((module) => module.kernelBuildCommand),
        toOptions: ([version], flags) => ({ ...flags, version: version as string | undefined }),
      },
      {
        name: "config <release>",
        description: "print the configuration a kernel was built with (for a kforge-built one, the .config kforge made)",
        options: ["fragment"],
        load: () => import("../commands/kernel-config.js").then((module) => module.kernelConfigCommand),
        toOptions: ([release], flags) => ({ ...flags, release: release as string }),
      },
      {
        name: "snapshots",
        description: "list the saved guest states kforge vm restores from, with their size and age",
        options: ["json"],
        load: () => import("../commands/kernel-snapshots.js").then((module) => module.kernelSnapshotsCommand),
        toOptions: flagsOnly,
      },
      {
        name: "prune",
        description: "remove saved guest states (kforge vm boots cold once, then saves a new one)",
        options: ["stale", "json"],
        load: () => import("../commands/kernel-prune.js").then((module) => module.kernelPruneCommand),
        toOptions: flagsOnly,
      },
    ],
  },
];
