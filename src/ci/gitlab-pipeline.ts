// Pure: .gitlab-ci.yml, one job per kernel through `parallel: matrix`, with the JUnit and Code Quality
// reports where GitLab shows them (merge request widgets, the pipeline's Tests tab).
import { header, KERNEL_VARIABLE, planCiSteps, REPORT_FILES, yamlList, yamlString, type CiPlan } from "./ci-plan.js";

export const GITLAB_PIPELINE_PATH = ".gitlab-ci.yml";

export function renderGitlabPipeline(plan: CiPlan): string {
  const steps = planCiSteps(plan, "gitlab");
  const script = [steps.installPackages, steps.installKforge, steps.build, steps.fetchKernel, steps.test];
  return `${header(plan, "Each kernel is its own job of the pipeline's parallel matrix.")}stages:
  - build
kforge:
  stage: build
  image: ${yamlString(plan.image)}
  parallel:
    matrix:
      - ${KERNEL_VARIABLE}: ${yamlList(plan.kernels)}
  script:
${script.map((line) => `    - ${yamlString(line)}\n`).join("")}  artifacts:
    when: always
    paths:
${[steps.moduleFiles, REPORT_FILES.buildJson].map((path) => `      - ${yamlString(path)}\n`).join("")}    reports:
      junit:
        - ${REPORT_FILES.buildJunit}
        - ${REPORT_FILES.testJunit}
      codequality: ${REPORT_FILES.codequality}
${checkJob(plan)}`;
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
${script.map((line) => `    - ${yamlString(line)}\n`).join("")}  artifacts:
    when: always
    paths:
      - ${REPORT_FILES.checkJson}
      - ${REPORT_FILES.checkSarif}
    reports:
      codequality: ${REPORT_FILES.checkCodequality}
`;
}
