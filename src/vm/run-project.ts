// A project in a throwaway guest, the run `kforge vm` and `kforge test` share: build for the kernel
// at its build location (with the project's make settings), plan the loads and steps, boot or
// restore, run, report. Prints nothing; notices go to onNotice and into the result.
import { join } from "node:path";
import type { GcovTool } from "../coverage/gcov-tool.js";
import type { BuildEvent, KernelBuildResult, KernelTarget } from "../kbuild/build-modules.js";
import { describeBypassedWrappers } from "../kbuild/wrapper-notice.js";
import { findKunitSources } from "../kbuild/kunit-suites.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import { buildProject } from "../project/build.js";
import type { Project } from "../project/project.js";
import { hasKmemleak } from "./debug-kernel.js";
import { launchVm } from "./launch.js";
import type { PlannedStep } from "./plan.js";
import { prepareVmPlan } from "./prepare.js";
import type { VmResult } from "./report.js";
import { adviseOnTimeLimit } from "./time-limit.js";
import { planDevices } from "./qemu/devices.js";
import { type CoverageRun, prepareCoverageRun } from "./coverage-run.js";
import { describeHostRoot } from "./host-root/prepare.js";
import { hostRootTests } from "./host-root/view.js";
import { prepareArtifactsRun } from "./artifacts-run.js";
import { artifactsDir } from "../project/artifacts.js";

// What a command adds to a guest run (kforge test: its KUnit suites): which built modules to load,
// modules loaded even when --module selects others, and the final word on the result.
export interface VmRunExtension {
  chooseModules(input: {
    dir: string;
    kdir: string;
    release: string;
    modules: string[];
  }): Promise<{ modules: string[]; alwaysLoad: string[]; notices: string[] }>;
  finish(result: VmResult): Promise<VmResult>;
}

export interface ProjectRunRequest {
  project: Project;
  kernel: KernelTarget;
  shell?: boolean;
  keepGoing?: boolean;
  cold?: boolean;
  append?: string[];
  extension?: VmRunExtension;
  // --coverage: the project was built with GCOV_PROFILE=y for a kernel with gcov; read with this gcov.
  coverage?: { gcov: GcovTool };
  signal?: AbortSignal;
  // A notice for the user as it happens; `quiet` ones are progress, not news.
  onNotice: (message: string, quiet?: boolean) => void;
  onStepStart?: (step: PlannedStep) => void;
  // The build's progress (waiting for another kforge's make, notices).
  onBuildEvent?: (event: BuildEvent) => void;
}

export type ProjectRunOutcome =
  | { kind: "interrupted" }
  | { kind: "build-failed"; build: KernelBuildResult }
  | { kind: "done"; result: VmResult };

export async function runProjectInGuest(request: ProjectRunRequest): Promise<ProjectRunOutcome> {
  const { project, kernel } = request;
  // A device list that is not one is an error before anything is built.
  const devices = planDevices(project.guest.devices);
  const notices: string[] = [];
  const notify = (message: string, quiet = false) => {
    notices.push(message);
    request.onNotice(message, quiet);
  };
  for (const notice of await describeBypassedWrappers(project.dir, project.make.buildCommand)) notify(notice);
  const [build] = await buildProject(project, {
    kernels: [kernel],
    signal: request.signal,
    onEvent: (_release, event) => request.onBuildEvent?.(event),
  });
  if (build!.interrupted) return { kind: "interrupted" };
  if (!build!.ok) return { kind: "build-failed", build: build! };
  const names = build!.artifacts.map((artifact) => artifact.module).join(", ");
  notify(`${build!.upToDate ? "modules up to date" : "built"}: ${names} for ${kernel.release}`, true);
  const artifacts = build!.artifacts.map((artifact) => artifact.path);
  const chosen = request.extension
    ? await request.extension.chooseModules({ dir: project.dir, kdir: kernel.kdir, release: kernel.release, modules: artifacts })
    : { modules: artifacts, alwaysLoad: [], notices: [] };
  for (const message of chosen.notices) notify(message);
  const { tests, modules: select } = project.guest;
  const hostRoot =
    project.guest.userspace === "host" ? await describeHostRoot(project.dir, project.guest.projectWritable, project.env) : undefined;
  const planned = await prepareVmPlan({
    dir: project.dir,
    release: kernel.release,
    modules: chosen.modules,
    configParams: project.config.params,
    parameterWords: project.parameterWords,
    tests: hostRoot ? [] : tests,
    env: project.env,
    select: select.names.length ? { ...select, names: [...select.names, ...chosen.alwaysLoad] } : select,
    inTreeModules: devices.modules,
  });
  const plan = hostRoot ? { ...planned, steps: { ...planned.steps, tests: hostRootTests(tests, hostRoot) } } : planned;
  if (tests.length === 0 && !request.shell && chosen.alwaysLoad.length === 0)
    notify("no test steps: add vm.test to kforge.json or pass --exec; only load and unload were checked");
  if (devices.bootReason && !request.cold) notify(`booting cold: ${devices.bootReason}`, true);
  const timeLimit = project.guest.timeLimit(kernel.release);
  const coverage = request.coverage && (await prepareCoverage(request, plan.steps.loads, chosen.modules));
  const artifactsRun = await prepareArtifactsRun({ release: kernel.release, dir: artifactsDir(project.guest.artifacts, kernel.release) });
  // Without test steps nothing wrote artifacts: the listing's round trip is saved.
  const collects = plan.steps.tests.length > 0 || request.shell;
  const launched = await launchVm({
    release: kernel.release,
    plan,
    hostRoot,
    vmKernel: project.guest.vmKernel,
    configKernel: project.guest.configKernel,
    accel: project.guest.accel,
    timeoutMs: 1000 * timeLimit.seconds,
    memoryMb: project.guest.memoryMb,
    memoryIsDefault: project.guest.memoryIsDefault,
    append: request.append,
    shell: request.shell,
    keepGoing: request.keepGoing,
    cold: request.cold || devices.bootReason !== undefined,
    devices: devices.devices,
    consoleLogPath: join(project.dir, ".kforge", "logs", kernel.release, "vm-console.log"),
    kmemleak: await hasKmemleak(kernel.kdir),
    beforeUnload:
      coverage || collects
        ? async (session, context) => {
            await coverage?.beforeUnload(session, context);
            if (collects) await artifactsRun.beforeUnload(session, context);
          }
        : undefined,
    env: project.env,
    signal: request.signal,
    onNotice: (message) => request.onNotice(message),
    onProgress: (message) => request.onNotice(message, true),
    events: { onStepStart: (step) => request.onStepStart?.(step) },
  });
  // launchVm's own notices (KVM fallback, compressed image) are already in the result.
  launched.notices = [...notices, ...launched.notices];
  const advised = adviseOnTimeLimit(launched, timeLimit);
  const result = request.extension ? await request.extension.finish(advised) : advised;
  if (coverage) result.coverage = await coverage.finish(result);
  if (collects) result.artifacts = artifactsRun.finish(result);
  return { kind: "done", result };
}

// The project modules this run loads (not their in-tree dependencies) are what coverage reads.
async function prepareCoverage(request: ProjectRunRequest, loads: PlannedStep[], modules: string[]): Promise<CoverageRun> {
  const { project, kernel } = request;
  const loaded = new Set(loads.filter((step) => !step.inTree).map((step) => step.module));
  return prepareCoverageRun({
    release: kernel.release,
    dir: project.dir,
    buildDir: await project.builtDir(kernel.release),
    modules: modules.filter((path) => loaded.has(moduleNameFromPath(path))),
    excluded: await findKunitSources(project.dir),
    gcov: request.coverage!.gcov,
    signal: request.signal,
  });
}
