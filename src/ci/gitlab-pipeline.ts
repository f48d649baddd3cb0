// Pure: .gitlab-ci.yml, one job per kernel through `parallel: matrix`, with the JUnit and Code Quality
// reports where GitLab shows them (merge request widgets, the pipeline's Tests tab).
import {
  COVERAGE_CACHE_PATHS,
  COVERAGE_LINE_PATTERN,
  type CiPlan,
  header,
  KERNEL_VARIABLE,
  planCiSteps,
  REPORT_FILES,
  yamlList,
  yamlString,
} from "./ci-plan.js";

// GitLab caches only paths inside the project dir: kforge's cache goes there.
const CACHE_DIR = ".kforge-cache";

export const GITLAB_PIPELINE_PATH = ".gitlab-ci.yml";

export function renderGitlabPipeline(plan: CiPlan): string {
  const jobs = [
    plan.kernels.length > 0 ? kernelJob(plan) : "",
    plan.crossKernels.length > 0 ? crossJob(plan) : "",
    plan.kernels.length > 0 ? checkJob(plan) : "",
  ];
  return `${header(plan, "Each kernel is its own job of the pipeline's parallel matrix.")}stages:
  - build
${jobs.join("")}`;
}

const scriptLines = (lines: readonly string[]) => lines.map((line) => `    - ${yamlString(line)}\n`).join("");
const pathLines = (paths: readonly string[]) => paths.map((path) => `      - ${yamlString(path)}\n`).join("");

function kernelJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "gitlab");
  const script = [steps.installPackages, steps.installKforge, steps.build, steps.fetchKernel, steps.test, steps.coverage];
  const cachePaths = pathLines(COVERAGE_CACHE_PATHS.map((path) => `${CACHE_DIR}/${path}`));
  return `kforge:
  stage: build
  image: ${yamlString(plan.image)}
  parallel:
    matrix:
      - ${KERNEL_VARIABLE}: ${yamlList(plan.kernels)}
  variables:
    XDG_CACHE_HOME: ${yamlString(`$CI_PROJECT_DIR/${CACHE_DIR}`)}
  cache:
    key: ${yamlString(`kforge-kernels-$${KERNEL_VARIABLE}`)}
    paths:
${cachePaths}  coverage: ${yamlString(COVERAGE_LINE_PATTERN)}
  script:
${scriptLines(script)}  artifacts:
    when: always
    paths:
${pathLines([steps.moduleFiles, REPORT_FILES.buildJson, `${REPORT_FILES.coverageDir}/`])}    reports:
      junit:
        - ${REPORT_FILES.buildJunit}
        - ${REPORT_FILES.testJunit}
      codequality: ${REPORT_FILES.codequality}
      coverage_report:
        coverage_format: cobertura
        path: ${REPORT_FILES.coverageDir}/cobertura.xml
`;
}

// Kernels of another architecture: fetched (headers made buildable here) before the cross build, then
// booted under emulation; no coverage step (kforge's debug kernels are the runner's architecture).
function crossJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "gitlab");
  const script = [steps.installCrossPackages, steps.installKforge, steps.fetchKernel, steps.build, steps.test];
  return `kforge-cross:
  stage: build
  image: ${yamlString(plan.image)}
  parallel:
    matrix:
      - ${KERNEL_VARIABLE}: ${yamlList(plan.crossKernels)}
  script:
${scriptLines(script)}  artifacts:
    when: always
    paths:
${pathLines([steps.moduleFiles, REPORT_FILES.buildJson])}    reports:
      junit:
        - ${REPORT_FILES.buildJunit}
        - ${REPORT_FILES.testJunit}
      codequality: ${REPORT_FILES.codequality}
`;
}

// The kernel's static checkers once, for the newest kernel, their findings as a second Code Quality report.
function checkJob(plan: CiPlan): string {
  const steps = planCiSteps(plan, "gitlab");
  const script = [steps.installCheckPackages, steps.installKforge, steps.check];
  return `kforge-check:
  stage: build
  image: ${yamlString(plan.image)}
  variables:
    ${KERNEL_VARIABLE}: ${yamlString(steps.checkKernel)}
  script:
${scriptLines(script)}  artifacts:
    when: always
    paths:
      - ${REPORT_FILES.checkJson}
      - ${REPORT_FILES.checkSarif}
    reports:
      codequality: ${REPORT_FILES.checkCodequality}
`;
}
