// `kforge watch [dir]`: rebuild on every save and reload the new modules into a guest that stays
// up (or, with --host, into the running kernel), with the test steps and the kernel log of each
// cycle. Glue over src/watch/.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CoverageResult } from "../../coverage/model.js";
import { EnvironmentError, ExitCode, isKforgeError, UsageError } from "../../errors.js";
import type { BuildEvent } from "../../kbuild/build-modules.js";
import type { Diagnostic } from "../../kbuild/parse-output.js";
import { findKernelImage } from "../../kernel/kernel-image.js";
import { selectKernel } from "../../kernel/select.js";
import { noModuleSupportDiagnosis } from "../../loader/diagnose-common.js";
import type { HostOptions } from "../../loader/host-loader.js";
import { openProject, type Project } from "../../project/project.js";
import type { Flags } from "../../project/settings.js";
import { describeBuildNotice } from "../../ui/build-progress.js";
import { createPalette } from "../../ui/color.js";
import { loadSourceLines } from "../../ui/diagnostics.js";
import { listenForKeys } from "../../ui/keys.js";
import { formatNotice } from "../../text/visible-text.js";
import { formatCoverage } from "../../ui/coverage-summary.js";
import { formatWatchEvent, keysLine } from "../../ui/watch-output.js";
import { selectGuestKernel } from "../../vm/debug-kernel.js";
import { checkGuestMemory } from "../../vm/guest/memory.js";
import { describeHostRoot } from "../../vm/host-root/prepare.js";
import type { HostRootView } from "../../vm/host-root/view.js";
import { prepareBootImage } from "../../vm/qemu/vmlinux.js";
import type { WatchEvent, WatchEventBody } from "../../watch/events.js";
import { GuestTarget } from "../../watch/guest-target.js";
import { HostTarget } from "../../watch/host-target.js";
import { WatchLoop } from "../../watch/watch-loop.js";
import { artifactsDir } from "../../project/artifacts.js";
import { CycleArtifacts } from "../../watch/artifacts-cycle.js";
import type { CommandContext } from "../context.js";
import { checkCoverageTools, withCoverageKernel, writeCoverageFiles } from "../coverage-command.js";
import { debugKernelBuilder } from "../debug-kernel-builder.js";
import { jsonFailure } from "../failure.js";
import { checkWatchDevices, planDevices } from "../../vm/qemu/devices.js";
import { createHostOptions } from "../host-command.js";

export interface WatchCommandOptions extends Flags {
  dir?: string;
  vm?: boolean;
  host?: boolean;
  sudo?: boolean;
  procRoot?: string;
  json?: boolean;
  debug?: boolean;
  coverage?: boolean;
  device?: string[];
}

const CLEAR_SCREEN = "\x1b[2J\x1b[H";

export async function watchCommand(options: WatchCommandOptions, context: CommandContext): Promise<number> {
  try {
    return await runWatch(options, context);
  } catch (error) {
    // The stream stays NDJSON to the end: a fatal error is the last event.
    if (options.json && isKforgeError(error)) {
      context.stdout.write(`${JSON.stringify({ event: "error", ...jsonFailure(error).error, time: new Date().toISOString() })}\n`);
    }
    throw error;
  }
}

async function runWatch(options: WatchCommandOptions, context: CommandContext): Promise<number> {
  const host = options.host ? openHost(options, context) : undefined;
  const reopen = () => openProject({ ...context, dir: options.dir, flags: options });
  const project = await reopen();
  if (!host) checkGuestMemory(project.guest.memoryMb, project.guest.memorySource as "--memory");
  if (!host) checkWatchDevices(planDevices(project.guest.devices));
  // --host builds for the running kernel unless told otherwise: no other kernel's module would load.
  const kernel =
    host && options.kernel === undefined && options.kdir === undefined
      ? await selectKernel({ kernel: host.runningRelease, env: context.env })
      : await withCoverageKernel(
          project,
          await selectGuestKernel(project, { debug: options.debug, build: debugKernelBuilder(context), signal: context.signal }),
          context,
        );
  const coverage = await checkCoverageTools(project, kernel, false);
  const interactive = !options.json && process.stdin.isTTY === true && context.stdout.isTTY === true;
  const keys = keysLine(coverage !== undefined);
  let lastCoverage: CoverageResult | undefined;
  const emit = createEmitter(options, context, project.dir, interactive ? keys : undefined, (result) => (lastCoverage = result));
  if (kernel.notice) context.stderr.write(formatNotice(kernel.notice));
  const quit = new AbortController();
  const signal = AbortSignal.any([context.signal, quit.signal]);
  const stepTimeoutMs = 1000 * project.guest.timeLimit(kernel.release).seconds;
  const hostRoot =
    !host && project.guest.userspace === "host"
      ? await describeHostRoot(project.dir, project.guest.projectWritable, context.env)
      : undefined;
  const target = host
    ? HostTarget.open(host, project.dir, stepTimeoutMs)
    : await startGuest(project, kernel.release, signal, { options, context, hostRoot });
  if (context.signal.aborted) return ExitCode.interrupted;
  if (!target) {
    throw new EnvironmentError(
      `the ${kernel.release} guest did not boot`,
      `run kforge vm ${project.dir} --kernel ${kernel.release} to see why the guest does not boot`,
    );
  }
  // A cycle waiting on another kforge's make says so on stderr: --json keeps stdout NDJSON.
  const onBuildEvent = (event: BuildEvent) => {
    const said = describeBuildNotice(event);
    if (said) context.stderr.write(formatNotice(said));
  };
  const onResult = (result: CoverageResult) => writeCoverageFiles({ coverage: result }, project, false, signal);
  const loop = new WatchLoop({
    dir: project.dir,
    kernel,
    openProject: reopen,
    target,
    emit,
    env: context.env,
    onBuildEvent,
    hostRoot,
    ...(coverage ? { coverage: { ...coverage, onResult } } : {}),
    ...(host
      ? {}
      : {
          artifacts: new CycleArtifacts(
            target,
            { release: kernel.release, dir: artifactsDir(project.guest.artifacts, kernel.release) },
            stepTimeoutMs,
          ),
        }),
  });
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const printCoverage = () =>
    context.stdout.write(
      lastCoverage ? formatCoverage(lastCoverage, palette, context.cwd) : "no coverage yet: it comes after the tests of a cycle\n",
    );
  const listener = interactive
    ? listenForKeys({
        rebuild: () => loop.rebuildNow(),
        test: () => loop.rerunTests(),
        clear: () => context.stdout.write(`${CLEAR_SCREEN}${keys}\n`),
        ...(coverage ? { coverage: printCoverage } : {}),
        quit: () => quit.abort(),
      })
    : undefined;
  try {
    await loop.start();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  } finally {
    listener?.close();
    await loop.stop();
  }
  return context.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
}

async function startGuest(
  project: Project,
  release: string,
  signal: AbortSignal,
  { options, context, hostRoot }: { options: WatchCommandOptions; context: CommandContext; hostRoot?: HostRootView },
) {
  const { guest } = project;
  const image = await findKernelImage({ release, vmKernel: guest.vmKernel, configKernel: guest.configKernel, env: context.env });
  const onNotice = (message: string) => context.stderr.write(formatNotice(message));
  const bootImage = await prepareBootImage(image.path, { env: context.env, signal: context.signal, notice: onNotice });
  if (!options.json) context.stderr.write(`kforge: starting a ${release} guest that stays up while watching...\n`);
  const timeoutMs = 1000 * guest.timeLimit(release).seconds;
  const { devices, bootReason } = planDevices(guest.devices);
  if (bootReason) onNotice(`booting cold: ${bootReason}`);
  const machine = { accel: guest.accel, memoryMb: guest.memoryMb, devices, cold: bootReason !== undefined };
  const boot = { release, bootImage, ...machine, timeoutMs, signal, env: context.env };
  return GuestTarget.start({ ...boot, sourceDir: project.dir, hostRoot, onNotice }, timeoutMs);
}

// keys: the keys line of an interactive terminal, undefined otherwise.
function createEmitter(
  options: WatchCommandOptions,
  context: CommandContext,
  dir: string,
  keys: string | undefined,
  onCoverage: (result: CoverageResult) => void,
): (event: WatchEventBody) => void {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const sources = (diagnostics: Diagnostic[]) => loadSourceLines(dir, diagnostics);
  return (body) => {
    const event = { ...body, time: new Date().toISOString() } as WatchEvent;
    if (event.event === "coverage") onCoverage(event.coverage);
    if (options.json) return void context.stdout.write(`${JSON.stringify(event)}\n`);
    // On a terminal each cycle starts on a clean screen under the keys line.
    if (keys && event.event === "build-start") context.stdout.write(`${CLEAR_SCREEN}${keys}\n`);
    const text = formatWatchEvent(event, palette, sources);
    if (text) context.stdout.write(`${text}\n`);
  };
}

// --host is checked before anything is built: where the kernel cannot load modules (no
// /proc/modules, as on this kind of CI runner) or kforge is neither root nor --sudo, it cannot work.
function openHost(options: WatchCommandOptions, context: CommandContext): HostOptions {
  if (options.coverage)
    throw new UsageError(
      "--coverage reads the counters of a guest kernel with gcov",
      "drop --host: kforge watch --coverage reloads into a guest",
    );
  if (options.device?.length)
    throw new UsageError("--device adds an emulated device to a guest", "drop --host: kforge watch --device reloads into a guest");
  if (options.userspace !== undefined)
    throw new UsageError("--userspace picks where a guest's test steps run", "drop --host: kforge watch --userspace reloads into a guest");
  if (options.artifacts !== undefined)
    throw new UsageError("--artifacts copies files back from a guest", "drop --host: with --host the test steps write on the host itself");
  if (options.vm) {
    throw new UsageError(
      "--host and --vm cannot be used together",
      "pick one: --vm loads into a QEMU guest, --host into the running kernel",
    );
  }
  // No abort signal: quitting must still run the rmmods; each step has the step timeout instead.
  const host = { ...createHostOptions(options, context), signal: undefined, onEvent: () => undefined };
  if (!existsSync(join(host.paths.procRoot, "modules"))) {
    const diagnosis = noModuleSupportDiagnosis("the watched modules");
    throw new EnvironmentError(
      `${diagnosis.title}: ${diagnosis.detail}`,
      "use kforge watch --vm (the default) to reload into a QEMU guest instead",
    );
  }
  return host;
}
