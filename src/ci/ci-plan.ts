// Pure: what a generated CI workflow does in each kernel's job, the same on every provider: install
// the build and VM prerequisites with the job's kernel headers, install kforge from its repository,
// build with the CI reports, boot the kernel and run the module's tests, keep the modules and reports as artifacts.
// A check job runs the kernel's static checkers once, for the newest kernel of the list.
import { type Architecture, architectureNamed, foreignArchitectureOf } from "../kernel/architecture.js";
import { compareReleases } from "../kernel/build-tree.js";
import { quoteShell } from "../vm/guest/protocol.js";

export interface CiPlan {
  // The module dir relative to the repository root ("." for the root).
  dir: string;
  // One job per kernel release of the runner's architecture (amd64).
  kernels: string[];
  // One job per release of another architecture (arm64, armhf): cross-built, booted under emulation.
  crossKernels: string[];
  // Container image every job runs in; its apt must have the kernels' header packages.
  image: string;
  kforgeVersion: string;
  // The git repository (and commit) the job installs kforge from.
  kforgeSource: { url: string; ref?: string };
}

// Where the job clones kforge: outside the project's checkout, so its files never mix with the module's
// (GitHub sets RUNNER_TEMP; GitLab jobs use /tmp).
export const KFORGE_CHECKOUT = '"${RUNNER_TEMP:-/tmp}/kforge"';

// CI runners (GitHub's ubuntu-latest, GitLab's shared runners) are amd64.
export const RUNNER = architectureNamed("x86_64")!;

// The job's kernel is in this environment variable.
export const KERNEL_VARIABLE = "KERNEL";

export const REPORT_FILES = {
  buildJson: "kforge-build.json",
  buildJunit: "kforge-build-junit.xml",
  testJunit: "kforge-test-junit.xml",
  codequality: "gl-code-quality-report.json",
  checkJson: "kforge-check.json",
  checkSarif: "kforge-check.sarif",
  checkCodequality: "gl-code-quality-check.json",
  // --coverage-output of the coverage step: lcov.info and cobertura.xml.
  coverageDir: "kforge-coverage",
} as const;

// The coverage step's kernel (kforge's debug kernel of the job's kernel version) is built in the job
// the first time; CI caches kforge's kernels and sources between runs.
export const COVERAGE_CACHE_PATHS = ["kforge/kernels", "kforge/sources"];

// The line `kforge test --coverage` prints with the line percentage, for GitLab's `coverage:` keyword.
export const COVERAGE_LINE_PATTERN = String.raw`/^coverage on \S+: lines \d+\/\d+ \((\d+\.\d+)%\)/`;

// What scripts/setup.sh installs for building and booting, less what only kforge's own tests use.
const PACKAGES = [
  "make",
  "gcc",
  "libelf-dev",
  "kmod",
  "qemu-system-x86",
  "busybox-static",
  "cpio",
  "xz-utils",
  "zstd",
  "git",
  "ca-certificates",
  // Building the debug kernel of the coverage step.
  "bc",
  "flex",
  "bison",
  "libssl-dev",
  "dpkg-dev",
];

// What `kforge check` needs besides building: perl for checkpatch.pl, sparse, coccinelle's spatch, and
// xz-utils to unpack the linux-source package kforge fetches for checkpatch.pl and the semantic patches.
const CHECK_PACKAGES = ["make", "gcc", "libelf-dev", "xz-utils", "git", "ca-certificates", "perl", "sparse", "coccinelle"];

// What a cross job installs besides PACKAGES: each architecture's GCC cross compiler and QEMU system
// emulator. Its kernel's headers come from `kforge kernel fetch`, which needs apt to know the architecture.
export function crossPackages(architectures: readonly Architecture[]): { foreign: string[]; packages: string[] } {
  const unique = (items: string[]) => [...new Set(items)];
  return {
    foreign: unique(architectures.map((architecture) => architecture.debian)),
    packages: unique(architectures.flatMap((architecture) => [`gcc-${architecture.gnuType}`, architecture.qemuPackage])),
  };
}

export interface CiSteps {
  installPackages: string;
  installKforge: string;
  build: string;
  fetchKernel: string;
  test: string;
  // The tests again, on the kernel's version with gcov, with the module built for coverage.
  coverage: string;
  // Where the built modules end up (a glob from the repository root).
  moduleFiles: string;
  // The check job's kernel, and its steps.
  checkKernel: string;
  installCheckPackages: string;
  check: string;
  // The cross job's install: the foreign architectures added to apt, cross compilers and emulators, no headers.
  installCrossPackages: string;
}

export function planCiSteps(plan: CiPlan, provider: "github" | "gitlab"): CiSteps {
  const dir = quoteShell(plan.dir);
  const kernel = `"$${KERNEL_VARIABLE}"`;
  // GitHub reads the workflow commands and step summary that GITHUB_ACTIONS=true turns on; GitLab reads a Code Quality file.
  const gitlabReports = provider === "gitlab" ? ` --annotations gitlab --codequality ${REPORT_FILES.codequality}` : "";
  const gitlabCheckReports = provider === "gitlab" ? ` --annotations gitlab --codequality ${REPORT_FILES.checkCodequality}` : "";
  // INITRD=No: a headers package can pull in its kernel image, whose initramfs kforge never needs.
  const install = (packages: readonly string[], headers = ` "linux-headers-$${KERNEL_VARIABLE}"`) =>
    `apt-get update -qq && DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y ` +
    `-qq --no-install-recommends ${packages.join(" ")}${headers}`;
  const cross = crossPackages(plan.crossKernels.map((release) => foreignArchitectureOf(release, RUNNER)!));
  const addArchitectures = cross.foreign.map((debian) => `dpkg --add-architecture ${debian} && `).join("");
  return {
    installPackages: install(PACKAGES),
    installKforge: installKforgeCommand(plan.kforgeSource),
    build: `kforge build ${dir} --kernel ${kernel} --json --junit ${REPORT_FILES.buildJunit}${gitlabReports} > ${REPORT_FILES.buildJson}`,
    fetchKernel: `kforge kernel fetch ${kernel}`,
    test: `kforge test ${dir} --vm --kernel ${kernel} --junit ${REPORT_FILES.testJunit}`,
    coverage: `kforge test ${dir} --vm --kernel ${kernel} --coverage --coverage-output ${REPORT_FILES.coverageDir}`,
    moduleFiles: plan.dir === "." ? "**/*.ko" : `${plan.dir}/**/*.ko`,
    checkKernel: [...plan.kernels].sort(compareReleases).at(-1)!,
    installCheckPackages: install(CHECK_PACKAGES),
    installCrossPackages: addArchitectures + install([...PACKAGES, ...cross.packages], ""),
    check:
      `kforge check ${dir} --kernel ${kernel} --sarif ${REPORT_FILES.checkSarif} ` +
      `--json${gitlabCheckReports} > ${REPORT_FILES.checkJson}`,
  };
}

// The way kforge's README installs it: a checkout, npm ci (whose prepare script compiles dist/), npm link
// (without scripts: dist/ is already there).
export function installKforgeCommand(source: CiPlan["kforgeSource"]): string {
  const checkout = source.ref ? ` && git -C ${KFORGE_CHECKOUT} checkout --quiet ${quoteShell(source.ref)}` : "";
  return (
    `git clone --quiet ${quoteShell(source.url)} ${KFORGE_CHECKOUT}${checkout}` +
    ` && (cd ${KFORGE_CHECKOUT} && npm ci --no-audit --no-fund && npm link --ignore-scripts --no-audit --no-fund)`
  );
}

export const yamlString = (text: string) => JSON.stringify(text);
export const yamlList = (items: readonly string[]) => `[${items.map(yamlString).join(", ")}]`;

export const header = (plan: CiPlan, scaling: string) =>
  `# Written by kforge ci init (kforge ${plan.kforgeVersion}). ${scaling}\n` +
  `# Add or remove kernels in the matrix; their header packages must exist in ${plan.image}'s apt sources.\n`;
