// Every command-line option, declared once: its flag, help, parser, and the kforge.json key it
// overrides with the default that applies after both. The command registration, --help, the docs
// test and the project model (settings.ts) all read this table, so they cannot disagree.
import { COVERAGE_FORMATS } from "../coverage/model.js";
import { commaSeparated, nonEmpty, type OptionParser, oneOf, positiveInteger, repeated, warningLevel } from "./option-parsers.js";

export interface OptionSpec {
  flags: string;
  help: string;
  parse?: OptionParser;
  // The kforge.json key (dotted path) the flag overrides.
  config?: string;
  // Applied when neither the flag nor kforge.json says; shown in the help.
  fallback?: unknown;
}

const text = (flags: string, help: string, config?: string): OptionSpec => {
  const name = flags.replace(/^.*--([a-z-]+).*$/, "--$1");
  return { flags, help, parse: nonEmpty(name), config };
};

export const OPTIONS = {
  // Which kernels.
  kernel: {
    flags: "-k, --kernel <release>",
    help:
      "kernel release (default: kforge.json kernel, else the running kernel, else the newest " +
      "installed); build and test take several (-k A -k B) or all (the installed distro kernels)",
    parse: repeated(nonEmpty("--kernel")),
    config: "kernel",
  },
  kdir: text("--kdir <path>", "kernel build tree to use instead of /lib/modules/<release>/build (one kernel only)", "kdir"),
  // How make runs.
  jobs: {
    flags: "-j, --jobs <n>",
    help: "parallel make jobs (default: number of CPUs)",
    parse: positiveInteger("--jobs"),
    config: "make.jobs",
  },
  llvm: { flags: "--llvm", help: "build with clang and the LLVM tools (LLVM=1)", config: "make.llvm" },
  arch: text("--arch <arch>", "target architecture (ARCH=)", "make.arch"),
  crossCompile: text("--cross-compile <prefix>", "toolchain prefix, e.g. aarch64-linux-gnu- (CROSS_COMPILE=)", "make.crossCompile"),
  warnings: { flags: "--warnings <level>", help: "extra warnings, kbuild's W=1|2|3", parse: warningLevel, config: "make.warnings" },
  check: { flags: "--check", help: "run sparse on every source file (C=2)", config: "make.check" },
  werror: { flags: "--werror", help: "fail the build on any warning", config: "make.werror" },
  verbose: { flags: "-v, --verbose", help: "show make's raw output and full commands (V=1)" },
  force: { flags: "--force", help: "run make even when nothing changed since the last build" },
  // Output and reports.
  json: { flags: "--json", help: "print one JSON object with the result on stdout and nothing else there" },
  junit: text(
    "--junit <file>",
    "write a JUnit XML report: one test case per kernel × module (build), per kernel × step or KUnit case (test)",
  ),
  annotations: text("--annotations <provider>", "CI annotations: github (default when GITHUB_ACTIONS=true) or gitlab"),
  codequality: text("--codequality <file>", "write a GitLab Code Quality report of the diagnostics"),
  // dkms.conf's gates were written for DKMS, not chosen for this run.
  allowSkip: {
    flags: "--allow-skip",
    help: "exit 0 when dkms.conf's BUILD_EXCLUSIVE_* gates skip every kernel (without it such a run fails: nothing was built)",
  },
  // The guest.
  vmKernel: text("--vm-kernel <vmlinuz>", "kernel image to boot instead of the one found for the release", "vm.kernel"),
  // No fallback: the default depends on the kernel (60 s, 180 s for a debug kernel: vm/time-limit.ts).
  timeout: {
    flags: "--timeout <seconds>",
    help:
      "a guest run (vm, test) or a load or test step (watch) still going after " +
      "this long fails with a diagnosis (default 60; 180 for a debug kernel)",
    parse: positiveInteger("--timeout"),
    config: "vm.timeout",
  },
  accel: {
    flags: "--accel <mode>",
    help: "auto (KVM when it works, else TCG), kvm or tcg (default auto)",
    parse: oneOf("--accel", ["auto", "kvm", "tcg"], "auto, kvm or tcg"),
    config: "vm.accel",
    fallback: "auto",
  },
  memory: {
    flags: "--memory <MiB>",
    help: "guest memory in MiB (default 256; a cold guest gets more when its initramfs needs it)",
    parse: positiveInteger("--memory"),
    config: "vm.memory",
    fallback: 256,
  },
  // Resolved by project/artifacts.ts: a flag's path from where kforge runs, kforge.json's inside the module dir.
  artifacts: text(
    "--artifacts <dir>",
    "copy back the files test steps write under $KFORGE_ARTIFACTS in the guest into <dir>/<release>/ (default .kforge/vm-out/)",
    "vm.artifacts",
  ),
  exec: { flags: "--exec <command>", help: "shell command to run in the guest after loading (repeatable)", parse: repeated() },
  shell: { flags: "--shell", help: "open an interactive busybox shell in the guest with the modules loaded" },
  append: {
    flags: "--append <arg>",
    help: "extra kernel command-line argument, e.g. module.sig_enforce=1 (repeatable)",
    parse: repeated(),
  },
  module: {
    flags: "--module <name>",
    help: "only this project module and the modules it needs (repeatable)",
    parse: repeated(nonEmpty("--module")),
    config: "vm.modules",
  },
  // Added to kforge.json vm.devices, as --exec is to vm.test (vm/qemu/devices.ts).
  device: {
    flags: "--device <device>",
    help: "emulated device: edu, pci-testdev, usb-kbd, usb-mouse, usb-tablet, or a raw QEMU -device value (repeatable)",
    parse: repeated(nonEmpty("--device")),
  },
  userspace: {
    flags: "--userspace <userspace>",
    help:
      "where the test steps run: busybox (the guest's own, default) or host (this machine's root filesystem " +
      "shared read-only, the project dir at its path; docs/vm.md)",
    parse: oneOf("--userspace", ["busybox", "host"], "busybox or host"),
    config: "vm.userspace",
    fallback: "busybox",
  },
  keepGoing: { flags: "--keep-going", help: "after a failed load, skip only the modules that need it and load the rest" },
  cold: { flags: "--cold", help: "boot the kernel even when a saved guest state would restore faster (docs/vm-fast-start.md)" },
  debug: {
    flags: "--debug",
    help:
      "the debug kernel of the release's version, with KASAN, KFENCE, UBSAN, lockdep, kmemleak and KUnit: vm, test " +
      "and watch build for and boot it (docs/debug-reports.md); kernel build builds it (release <version>-kforge-debug)",
  },
  vm: { flags: "--vm", help: "run in a QEMU guest (test: required; watch: the default)" },
  // Coverage (docs/coverage.md).
  coverage: {
    flags: "--coverage",
    help:
      "build with gcov (GCOV_PROFILE=y) for a kernel with gcov (the release's debug kernel, built " +
      "when missing) and report the lines, functions and branches the steps ran (docs/coverage.md)",
  },
  coverageFormat: {
    flags: "--coverage-format <format>",
    help: "with --coverage: report files to write, lcov, cobertura or html (genhtml), repeatable (default: lcov and cobertura)",
    parse: repeated(oneOf("--coverage-format", COVERAGE_FORMATS, "lcov, cobertura or html")),
    config: "coverage.formats",
    fallback: ["lcov", "cobertura"],
  },
  coverageOutput: text(
    "--coverage-output <dir>",
    "with --coverage: write the report files here (default .kforge/coverage/<release>/; several kernels: <dir>/<release>/)",
    "coverage.output",
  ),
  host: { flags: "--host", help: "load into the running kernel (needs module support, root or --sudo)" },
  sudo: { flags: "--sudo", help: "run the module tools (insmod, modprobe, rmmod) through sudo -n" },
  procRoot: text("--proc-root <dir>", "read modules, sys/kernel/tainted and kmsg (a recorded /dev/kmsg dump) under dir instead of /proc"),
  file: text("--file <path>", "parse this file instead of /proc/modules"),
  // Shipping.
  destdir: text("--destdir <root>", "stage under this root (INSTALL_MOD_PATH, depmod -b) instead of the live system; needs no root"),
  modDir: {
    flags: "--mod-dir <dir>",
    help: "folder under /lib/modules/<release> (INSTALL_MOD_DIR; default: updates)",
    parse: oneOf("--mod-dir", ["updates", "extra"], "updates or extra"),
    fallback: "updates",
  },
  autoload: { flags: "--autoload", help: "also write modules-load.d (load at boot) and modprobe.d (kforge.json params) entries" },
  key: text("--key <pem>", "private key (default: KFORGE_SIGN_KEY, kforge.json sign.key, else the key from --generate-key)", "sign.key"),
  cert: text("--cert <der|pem>", "certificate (default: KFORGE_SIGN_CERT, kforge.json sign.cert, else the generated one)", "sign.cert"),
  hash: text("--hash <algo>", "hash algorithm (default: the kernel's CONFIG_MODULE_SIG_HASH)"),
  generateKey: { flags: "--generate-key", help: "create a Secure Boot MOK key pair in the per-user key folder and print the mokutil step" },
  // CI.
  provider: text("--provider <name>", "github (.github/workflows/kforge.yml, the default) or gitlab (.gitlab-ci.yml)"),
  kernels: text(
    "--kernels <releases>",
    "comma-separated releases, one job each (default: kforge.json kernel, else the kernels installed here); " +
      "arm64 and armhf releases go to a cross job",
  ),
  image: text("--image <image>", "container image of every job; its apt must have the kernels' headers (default node:20-bookworm)"),
  kforgeFrom: text(
    "--kforge-from <git-url>",
    "git repository (optionally #commit) the CI job installs kforge from (default: this kforge checkout's origin, at its commit)",
  ),
  // Scaffolding.
  template: text("-t, --template <template>", "template to use (default hello; see kforge templates)"),
  dir: text("-d, --dir <path>", "folder to create the module in (default ./<name>)"),
  license: { flags: "--license <license>", help: 'MODULE_LICENSE (default "GPL")' },
  author: { flags: "--author <author>", help: "MODULE_AUTHOR (default: git config user.name, else Unknown)" },
  description: { flags: "--description <text>", help: "MODULE_DESCRIPTION (default: the template's)" },
  dryRun: { flags: "--dry-run", help: "list the files that would be written and write nothing" },
  withTests: {
    flags: "--with-tests",
    help: "add a KUnit suite, <name>_test.c, built only for kernels with KUnit (the kunit template has one)",
  },
  // The kernel's static checkers (kforge check; its --timeout and --source are check.timeout and
  // check.source, resolved with the rest of the check section by src/check/settings.ts).
  checker: {
    flags: "--checker <name>",
    help: "run only this checker: checkpatch, sparse, w1 or coccinelle (repeatable, or comma-separated)",
    parse: commaSeparated("--checker"),
    config: "check.checkers",
  },
  failOn: text(
    "--fail-on <severities>",
    "severities that fail the run (exit 1), comma-separated: error, warning, note, or none (default: error)",
    "check.failOn",
  ),
  sarif: text("--sarif <file>", "write a SARIF 2.1.0 report (GitHub code scanning)"),
  // Kernels kforge builds or fetches.
  source: text("--source <dir|tarball>", "build this kernel source dir or tarball instead of Debian's package"),
  for: text(
    "--for <dir>",
    "a project variant: add the in-tree modules the project's built modules need " +
      "and its kforge.json debugKernel.config (release <version>-kforge-debug-<key>)",
  ),
  fragment: { flags: "--fragment", help: "print only the fragment kforge merged onto tinyconfig" },
  stale: { flags: "--stale", help: "only states whose kernel image is gone or has changed" },
} satisfies Record<string, OptionSpec>;

export type OptionName = keyof typeof OPTIONS;

// The long flag of an option, e.g. "--kernel", as users type it and as errors name it.
export const flagOf = (name: OptionName): string => /--[a-z-]+/.exec(OPTIONS[name].flags)![0];
