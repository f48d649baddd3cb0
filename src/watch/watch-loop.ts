// The watch loop: a change starts a cycle (build, unload what changed and its dependents, send and
// load the new modules, run the test steps), one cycle at a time. A change during a build cancels
// that build (make's whole process group) and starts over, so results of stale sources never show.
import { rm } from "node:fs/promises";
import { relative } from "node:path";
import type { BuildEvent, KernelTarget } from "../kbuild/build-modules.js";
import { rebuildModules } from "../kbuild/fast-rebuild/rebuild.js";
import { createRunDir } from "../process/run-dirs.js";
import { selectModules } from "../module/load-order.js";
import type { Project } from "../project/project.js";
import { prepareVmPlan } from "../vm/prepare.js";
import type { PlannedStep } from "../vm/plan.js";
import type { HostRootView } from "../vm/host-root/view.js";
import type { StepResult } from "../vm/report.js";
import type { CycleArtifacts } from "./artifacts-cycle.js";
import { type CoverageScope, collectCycleCoverage, resetCounters, type WatchCoverageOptions } from "./coverage-cycle.js";
import type { WatchEventBody } from "./events.js";
import { watchSources, type SourceWatcher } from "./file-watcher.js";
import { describeBuilt } from "./built-module.js";
import { LoadedModules } from "./module-steps.js";
import { modulesToReload } from "./reload-plan.js";
import type { StepRun, WatchTarget } from "./target.js";
import { buildEndEvent, kernelLogEvent } from "./cycle-events.js";
import { watchTestSteps } from "./test-steps.js";

export interface WatchLoopOptions {
  dir: string;
  kernel: KernelTarget;
  // The project's settings as they are now: read again each cycle, since kforge.json is watched too.
  openProject: () => Promise<Project>;
  target: WatchTarget;
  emit: (event: WatchEventBody) => void;
  env?: NodeJS.ProcessEnv;
  debounceMs?: number;
  // The builder's progress events (the make lock's wait: a manual kforge build in the same dir).
  onBuildEvent?: (event: BuildEvent) => void;
  // --coverage: each cycle's coverage as a "coverage" event (coverage-cycle.ts).
  coverage?: WatchCoverageOptions;
  // vm.userspace "host": the test steps run in the host's userspace the guest mounted (vm/host-root/).
  hostRoot?: HostRootView;
  // --vm: each cycle's artifacts as an "artifacts" event (artifacts-cycle.ts).
  artifacts?: CycleArtifacts;
}

type Trigger = WatchEventBody & { event: "build-start" };

export class WatchLoop {
  private readonly modules: LoadedModules;
  private testFiles: string[] = [];
  private watcher: SourceWatcher | undefined;
  private build: AbortController | undefined;
  private queued: { reason: Trigger["reason"]; force: boolean; testsOnly: boolean } | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private coverageScope: CoverageScope | undefined;
  // Where each cycle's modules are copied under the make lock, to be loaded from there.
  private copies: string | undefined;

  constructor(private readonly options: WatchLoopOptions) {
    this.modules = new LoadedModules({
      target: options.target,
      emit: options.emit,
      emitKernelLog: (ran) => this.emitKernelLog(ran),
      handleFatal: (ran) => this.handleFatal(ran),
    });
  }

  async start(): Promise<void> {
    const { dir } = this.options;
    this.copies = await createRunDir("watch-built");
    this.watcher = watchSources(dir, {
      extraFiles: () => this.testFiles.map((file) => relative(dir, file)),
      onChange: (paths) => this.onChange(paths),
      debounceMs: this.options.debounceMs,
    });
    await this.watcher.ready;
    const target = this.options.target;
    this.options.emit({
      event: "ready",
      mode: target.mode,
      release: target.release ?? this.options.kernel.release,
      dir,
      accel: target.accel,
      start: target.start,
      watching: ["*.c", "*.h", "*.S", "Kbuild", "Makefile", "kforge.json", "vm.test scripts"],
    });
    this.request("start", false);
  }

  // r / Enter: rebuild and reload everything now; t: rerun the tests.
  rebuildNow(): void {
    this.request("key", true);
  }

  rerunTests(): void {
    this.request("key", false, true);
  }

  private onChange(paths: string[]): void {
    if (this.stopped) return;
    this.options.emit({ event: "change", paths });
    this.request("change", false);
  }

  private request(reason: Trigger["reason"], force: boolean, testsOnly = false): void {
    const previous = this.queued;
    this.queued = { reason, force: force || (previous?.force ?? false), testsOnly: testsOnly && (previous?.testsOnly ?? true) };
    // A build of sources that just changed again is stale: stop it.
    if (!testsOnly) this.build?.abort();
    if (!this.running) this.running = this.drain().finally(() => (this.running = undefined));
  }

  private async drain(): Promise<void> {
    while (this.queued && !this.stopped) {
      const next = this.queued;
      this.queued = undefined;
      try {
        if (next.testsOnly) await this.runTests();
        else await this.cycle(next.reason, next.force);
      } catch (error) {
        const hint = (error as { hint?: string }).hint;
        this.options.emit({ event: "error", message: (error as Error).message, hint: hint ?? null });
      }
    }
  }

  private async cycle(reason: Trigger["reason"], force: boolean): Promise<void> {
    const { dir, kernel } = this.options;
    this.build = new AbortController();
    this.options.emit({ event: "build-start", reason });
    const project = await this.options.openProject();
    const buildDir = await project.buildDir(kernel.release, { alone: true });
    const build = await rebuildModules({
      ...(await project.makeFor(kernel)),
      dir: buildDir,
      kernel,
      signal: this.build.signal,
      environment: this.options.env,
      onEvent: this.options.onBuildEvent,
      // A kforge build started beside watch (--force removes every .ko) must not take away what
      // this cycle is about to load.
      copyArtifactsTo: this.copies,
    });
    if (build.interrupted || this.stopped) return;
    this.options.emit(buildEndEvent(build));
    if (!build.ok) return;
    if (!this.options.target.alive())
      await this.guestLost("QEMU exited while watch waited for a change (killed, or the guest powered itself off)");
    const built = await Promise.all(build.artifacts.map((artifact) => describeBuilt(artifact.path)));
    const wanted = project.guest.modules.names;
    const selected = wanted.length ? selectModules(built, wanted).order : built;
    const plan = await prepareVmPlan({
      dir,
      release: kernel.release,
      modules: selected.map((module) => module.path),
      configParams: project.config.params,
      parameterWords: project.parameterWords,
      // The host userspace runs each entry as a command in the project dir: no script to send in.
      tests: this.options.hostRoot ? [] : project.guest.tests,
      env: this.options.env,
    });
    this.testFiles = plan.files;
    // Nothing to reload still reruns the tests: a test script or kforge.json may be what changed.
    const reload = modulesToReload(selected, this.modules.hashes, force);
    if (!(await this.modules.unload(plan.steps.unloads, reload))) return;
    // Coverage reads each module's objects from its .mod, beside the built .ko, not the copy loaded.
    const builtAt = new Map(build.artifacts.map((artifact) => [artifact.path, artifact.builtAt ?? artifact.path]));
    const modules = selected.map((module) => builtAt.get(module.path) ?? module.path);
    this.coverageScope = { release: kernel.release, dir, buildDir, modules };
    if (this.options.coverage && (await this.handleFatal(await resetCounters(this.options.target)))) return;
    if (!(await this.modules.load(plan, selected, reload))) return;
    await this.runTests(this.options.hostRoot ? watchTestSteps(project.guest.tests, [], dir, this.options.hostRoot) : plan.steps.tests);
  }

  private async runTests(steps?: PlannedStep[]): Promise<void> {
    const tests = steps ?? (await this.currentTests());
    // A rerun of the tests alone measures them alone.
    if (!steps && this.options.coverage && (await this.handleFatal(await resetCounters(this.options.target)))) return;
    const emptied = tests.length ? await this.options.artifacts?.beforeTests() : undefined;
    if (emptied && (await this.handleFatal(emptied))) return this.coverageLost(emptied.fatal!.diagnosis);
    const results: StepResult[] = [];
    for (const step of tests) {
      const ran = await this.options.target.run(step);
      results.push(ran.result);
      this.options.emit({ event: "test", step: ran.result });
      this.emitKernelLog(ran);
      if (await this.handleFatal(ran)) return this.coverageLost(ran.fatal!.diagnosis);
    }
    const copied = tests.length ? await this.options.artifacts?.collect(results) : undefined;
    if (copied?.result) this.options.emit({ event: "artifacts", artifacts: copied.result });
    if (copied?.fatal && (await this.handleFatal(copied.fatal))) return this.coverageLost(copied.fatal.fatal!.diagnosis);
    const { coverage, target } = this.options;
    if (!coverage || !this.coverageScope) return;
    const { ran, result } = await collectCycleCoverage(target, this.coverageScope, coverage);
    if (await this.handleFatal(ran)) return this.coverageLost(ran.fatal!.diagnosis);
    if (result) this.options.emit({ event: "coverage", coverage: result });
  }

  private coverageLost(diagnosis: string): void {
    const release = this.coverageScope?.release ?? this.options.kernel.release;
    if (this.options.coverage) this.options.emit({ event: "coverage", coverage: { status: "not-collected", release, reason: diagnosis } });
  }

  private async currentTests(): Promise<PlannedStep[]> {
    const project = await this.options.openProject();
    return watchTestSteps(project.guest.tests, this.testFiles, this.options.dir, this.options.hostRoot);
  }

  private emitKernelLog(ran: StepRun): void {
    const event = kernelLogEvent(ran, this.options.target.consoleLog);
    if (event) this.options.emit(event);
  }

  // A crashed, hung or dead guest: report it, boot a fresh one and wait for the next change.
  private async handleFatal(ran: StepRun): Promise<boolean> {
    if (!ran.fatal) return false;
    // Quitting closes the guest under a running step: that is not a crash.
    if (this.stopped) return true;
    this.options.emit({ event: "crash", ...(ran.fatal.crash ? { crash: ran.fatal.crash } : {}), diagnosis: ran.fatal.diagnosis });
    await this.restart(ran.fatal.diagnosis);
    return true;
  }

  // A guest that died between cycles is reported like one that died during a step.
  private async guestLost(diagnosis: string): Promise<void> {
    this.options.emit({ event: "crash", diagnosis });
    await this.restart(diagnosis);
  }

  private async restart(reason: string): Promise<void> {
    this.modules.clear();
    this.options.artifacts?.forgetGuest();
    if (this.stopped) return;
    if (!(await this.options.target.boot())) throw new Error(`the guest did not boot again after: ${reason}`);
    this.options.emit({ event: "guest-restart", reason, bootMs: this.options.target.bootMs, start: this.options.target.start });
  }

  // Quit: stop watching and building, unload what is loaded (dependents first), power the guest off.
  async stop(): Promise<void> {
    this.stopped = true;
    this.build?.abort();
    await this.watcher?.close();
    const finished = await Promise.race([
      this.running?.then(() => true) ?? true,
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 3000)),
    ]);
    if (finished && this.options.target.alive()) await this.modules.unloadAll();
    await this.options.target.close();
    if (this.copies) await rm(this.copies, { recursive: true, force: true });
  }
}
