// The guest commands: vm, test and watch.
import type { CommandSpec, OptionUse } from "./command-spec.js";

const GUEST_OPTIONS: OptionUse[] = [
  "kernel",
  "kdir",
  "vmKernel",
  "timeout",
  "accel",
  "exec",
  "shell",
  "memory",
  "append",
  "module",
  "device",
  "userspace",
  "artifacts",
  "keepGoing",
  "cold",
  "debug",
  "coverage",
  "coverageFormat",
  "coverageOutput",
  "json",
];
const GUEST_HELP =
  "Module parameters go after a bare --: name=value (single module) or module.name=value.\n" +
  "Exit codes: 0 every step passed and the kernel log is clean, 1 a step failed, a crash or a timeout,\n" +
  "2 usage or environment error, 130 interrupted.";

export const VM_COMMANDS: CommandSpec[] = [
  {
    name: "vm [dir]",
    description: "boot a throwaway QEMU guest, load the modules in dir, run the test steps, report",
    options: GUEST_OPTIONS,
    helpAfter: GUEST_HELP,
    load: () => import("../commands/vm.js").then((module) => module.vmCommand),
  },
  {
    name: "test [dir]",
    description: "run the module's tests (vm.test in kforge.json) and its KUnit suites in a throwaway VM",
    options: [...GUEST_OPTIONS, "vm", "junit", "allowSkip"],
    helpAfter: GUEST_HELP,
    load: () => import("../commands/test/index.js").then((module) => module.testCommand),
  },
  {
    name: "watch [dir]",
    description: "rebuild on every save and reload the new modules into a guest that stays up (--host: the running kernel)",
    options: [
      "kernel",
      "kdir",
      "vm",
      "host",
      "sudo",
      "procRoot",
      "debug",
      "coverage",
      "coverageFormat",
      "coverageOutput",
      "module",
      "device",
      "userspace",
      "artifacts",
      "vmKernel",
      "accel",
      "memory",
      "timeout",
      ["json", "print one JSON object per event (NDJSON) on stdout"],
    ],
    helpAfter:
      "Module parameters go after a bare --: name=value (single module) or module.name=value.\n" +
      "On a terminal: r or Enter rebuilds and reloads, t reruns the tests, g prints the last cycle's coverage (--coverage), c clears,\n" +
      "q or Ctrl-C quits.\n" +
      "Exit codes: 0 quit with q, 2 usage or environment error, 130 interrupted.",
    load: () => import("../commands/watch.js").then((module) => module.watchCommand),
  },
];
