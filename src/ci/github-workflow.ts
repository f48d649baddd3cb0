// Pure: .github/workflows/kforge.yml, one job per kernel on GitHub's own matrix (each a runner of its
// own), in a container whose apt has the kernels' headers.
import { COVERAGE_CACHE_PATHS, type CiPlan, header, KERNEL_VARIABLE, planCiSteps, REPORT_FILES, yamlList, yamlString } from "./ci-plan.js";

export const GITHUB_WORKFLOW_PATH = ".github/workflows/kforge.yml";

const run = (name: string, command: string) => `      - name: ${yamlString(name)}\n        run: ${yamlString(command)}\n`;

export function renderGithubWorkflow(plan: CiPlan): string {
  const jobs = [
    plan.kernels.length > 0 ? kernelJob(plan) : "",
    plan.crossKernels.length > 0 ? crossJob(plan) : "",
    plan.kernels.length > 0 ? checkJob(plan) : "",
  ];
  return `${header(plan, "Each kernel is its own job of the workflow's matrix.")}name: kforge
on:
  push:
  pull_request:
  workflow_dispatch:
jobs:
${jobs.join("")}`;
}

// The start of a job with one matrix entry per kernel, up to its steps.
const matrixJob = (plan: CiPlan, id: string, kernels: readonly string[]) => `  ${id}:
    name: \${{ format('${id} {0}', matrix.kernel) }}
    runs-on: ubuntu-latest
    container: ${yamlString(plan.image)}
    strategy:
      fail-fast: false
      matrix:
        kernel: ${yamlList(kernels)}
    env:
      ${KERNEL_VARIABLE}: \${{ matrix.kernel }}
    steps:
`;

const keepArtifacts = (paths: readonly string[]) => `      - name: Keep the modules and reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: \${{ format('kforge-{0}', matrix.kernel) }}
          if-no-files-found: warn
          path: |
${paths.map((path) => `            ${path}\n`).join("")}`;

function kernelJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "github");
  const cachePaths = COVERAGE_CACHE_PATHS.map((path) => `            ~/.cache/${path}\n`).join("");
  const jobSteps = [
    run("Install kforge", steps.installKforge),
    run("Build (annotations and step summary come from GITHUB_ACTIONS)", steps.build),
    run("Fetch the kernel image", steps.fetchKernel),
    run("Boot the kernel and run the module's tests", steps.test),
    run("Coverage: the tests on the kernel's version with gcov (step summary: coverage percentage)", steps.coverage),
  ].join("");
  const artifacts = [
    steps.moduleFiles,
    REPORT_FILES.buildJson,
    REPORT_FILES.buildJunit,
    REPORT_FILES.testJunit,
    `${REPORT_FILES.coverageDir}/`,
  ];
  const install = run("Install build and VM prerequisites with the kernel's headers", steps.installPackages);
  return `${matrixJob(plan, "kforge", plan.kernels)}${install}      - uses: actions/checkout@v4
      - name: Cache kforge's kernels (the coverage step's debug kernel is built once)
        uses: actions/cache@v4
        with:
          key: \${{ format('kforge-kernels-{0}', matrix.kernel) }}
          path: |
${cachePaths}${jobSteps}${keepArtifacts(artifacts)}`;
}

// Kernels of another architecture: kforge fetches the kernel (headers made buildable here, image,
// modules, busybox) before it cross-builds, then boots it under emulation. No coverage step: kforge's
// debug kernels are built for the runner's own architecture.
function crossJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "github");
  const jobSteps = [
    run("Install kforge", steps.installKforge),
    run("Fetch the kernel: headers made buildable here, image, modules and busybox", steps.fetchKernel),
    run("Cross-build (annotations and step summary come from GITHUB_ACTIONS)", steps.build),
    run("Boot the kernel under emulation and run the module's tests", steps.test),
  ].join("");
  const artifacts = [steps.moduleFiles, REPORT_FILES.buildJson, REPORT_FILES.buildJunit, REPORT_FILES.testJunit];
  const install = run("Install cross compilers and emulators", steps.installCrossPackages);
  return `${matrixJob(plan, "kforge-cross", plan.crossKernels)}${install}      - uses: actions/checkout@v4
${jobSteps}${keepArtifacts(artifacts)}`;
}

// The kernel's static checkers once, for the newest kernel: annotations and the step summary (with the
// findings count) from GITHUB_ACTIONS, the SARIF file to code scanning. Uploading SARIF needs
// security-events: write, and code scanning itself (GitHub Advanced Security on a private repository):
// without it that step fails alone and the annotations still show the findings.
function checkJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "github");
  const sarifPresent = `always() && hashFiles('${REPORT_FILES.checkSarif}') != ''`;
  const installPackages = run(
    "Install the build prerequisites, sparse and coccinelle with the kernel's headers",
    steps.installCheckPackages,
  );
  const check = run("Run checkpatch.pl, sparse, W=1 and coccicheck (annotations and step summary come from GITHUB_ACTIONS)", steps.check);
  return `  check:
    name: kforge check
    runs-on: ubuntu-latest
    container: ${yamlString(plan.image)}
    permissions:
      contents: read
      security-events: write
    env:
      ${KERNEL_VARIABLE}: ${yamlString(steps.checkKernel)}
    steps:
${installPackages}      - uses: actions/checkout@v4
${run("Install kforge", steps.installKforge)}${check}      - name: Upload the findings to code scanning
        if: \${{ ${sarifPresent} }}
        continue-on-error: true
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: ${REPORT_FILES.checkSarif}
          category: kforge-check
      - name: Keep the check reports
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: kforge-check
          if-no-files-found: warn
          path: |
            ${REPORT_FILES.checkJson}
            ${REPORT_FILES.checkSarif}
`;
}
