// `kforge watch [dir]`: rebuild on every save and reload the new modules into a guest that stays
// up (or, with --host, into the running kernel), with the test steps and the kernel log of each
// cycle. Glue over src/watch/.
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadConfig, type KforgeConfig } from "../../config/kforge-json.js";
import { EnvironmentError, ExitCode, isKforgeError, UsageError } from "../../errors.js";
import type { BuildEvent } from "../../kbuild/build-modules.js";
import type { Diagnostic } from "../../kbuild/parse-output.js";
import { findKernelImage } from "../../kernel/kernel-image.js";
import { selectKernel } from "../../kernel/select.js";
import { describeMakeLockWait } from "../../ui/build-progress.js";
import { createPalette } from "../../ui/color.js";
import { loadSourceLines } from "../../ui/diagnostics.js";
import { formatWatchEvent, KEYS_LINE } from "../../ui/watch-output.js";
import type { AccelRequest } from "../../vm/qemu/accel.js";
import { checkGuestMemory } from "../../vm/guest/memory.js";
import { noModuleSupportDiagnosis } from "../../loader/diagnose-common.js";
import type { HostOptions } from "../../loader/host-loader.js";
import { prepareBootImage } from "../../vm/qemu/vmlinux.js";
import type { WatchEvent, WatchEventBody } from "../../watch/events.js";
import { GuestTarget } from "../../watch/guest-target.js";
import { HostTarget } from "../../watch/host-target.js";
import { WatchLoop } from "../../watch/watch-loop.js";
import type { CommandContext } from "../context.js";
import { createHostOptions } from "../host-command.js";
import { chooseTimeLimit } from "../../vm/time-limit.js";
import { selectVmKernel, VM_DEFAULTS } from "./vm.js";
import { listenForKeys } from "./watch-keys.js";

export interface WatchCommandOptions {
  dir?: string;
  vm?: boolean;
  host?: boolean;
  sudo?: boolean;
  procRoot?: string;
  kernel?: string;
  kdir?: string;
  vmKernel?: string;
  module?: string[];
  json?: boolean;
  accel?: AccelRequest;
  memory?: number;
  timeout?: number;
  debug?: boolean;
}

const CLEAR_SCREEN = "\x1b[2J\x1b[H";

export async function watchCommand(options: WatchCommandOptions, context: CommandContext): Promise<number> {
  try {
    return await runWatch(options, context);
  } catch (error) {
    // The stream stays NDJSON to the end: a fatal error is the last event.
    if (options.json && isKforgeError(error))
      context.stdout.write(
        `${JSON.stringify({ event: "error", message: error.message, hint: error.hint ?? null, time: new Date().toISOString() })}\n`,
      );
    throw error;
  }
}

async function runWatch(options: WatchCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const host = options.host ? openHost(options, context) : undefined;
  const config = await loadConfig(dir);
  const memoryMb = options.memory ?? config.vm?.memory ?? VM_DEFAULTS.memoryMb;
  if (!host) checkGuestMemory(memoryMb, options.memory !== undefined ? "--memory" : "kforge.json vm.memory");
  // --host builds for the running kernel unless told otherwise: no other kernel's module would load.
  const kernel =
    host && options.kernel === undefined && options.kdir === undefined
      ? await selectKernel({ kernel: host.runningRelease, env: context.env })
      : await selectVmKernel(options, config, context, dir);
  const interactive = !options.json && process.stdin.isTTY === true && context.stdout.isTTY === true;
  const emit = createEmitter(options, context, dir, interactive);
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  const quit = new AbortController();
  const signal = AbortSignal.any([context.signal, quit.signal]);
  const stepTimeoutMs = 1000 * chooseTimeLimit({ flag: options.timeout, config: config.vm?.timeout, release: kernel.release }).seconds;
  const target = host
    ? HostTarget.open(host, dir, stepTimeoutMs)
    : await startGuest({ options, context, config, dir, release: kernel.release, memoryMb, stepTimeoutMs, signal });
  if (context.signal.aborted) return ExitCode.interrupted;
  if (!target)
    throw new EnvironmentError(
      `the ${kernel.release} guest did not boot`,
      `run kforge vm ${dir} --kernel ${kernel.release} to see why the guest does not boot`,
    );
  // A cycle waiting on another kforge's make says so on stderr: --json keeps stdout NDJSON.
  const onBuildEvent = (event: BuildEvent) => event.kind === "waiting" && context.stderr.write(`kforge: ${describeMakeLockWait(event)}\n`);
  const loop = new WatchLoop({
    dir,
    kernel: { release: kernel.release, kdir: kernel.kdir },
    target,
    modules: options.module ?? [],
    parameterWords: context.extraArgs,
    emit,
    env: context.env,
    onBuildEvent,
  });
  const keys = interactive
    ? listenForKeys({
        rebuild: () => loop.rebuildNow(),
        test: () => loop.rerunTests(),
        clear: () => context.stdout.write(`${CLEAR_SCREEN}${KEYS_LINE}\n`),
        quit: () => quit.abort(),
      })
    : undefined;
  try {
    await loop.start();
    await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  } finally {
    keys?.close();
    await loop.stop();
  }
  return context.signal.aborted ? ExitCode.interrupted : ExitCode.ok;
}

interface GuestStart {
  options: WatchCommandOptions;
  context: CommandContext;
  config: KforgeConfig;
  dir: string;
  release: string;
  memoryMb: number;
  stepTimeoutMs: number;
  signal: AbortSignal;
}

async function startGuest({
  options,
  context,
  config,
  dir,
  release,
  memoryMb,
  stepTimeoutMs,
  signal,
}: GuestStart): Promise<GuestTarget | undefined> {
  const image = await findKernelImage({ release, vmKernel: options.vmKernel, configKernel: config.vm?.kernel, env: context.env });
  const bootImage = await prepareBootImage(image.path, { env: context.env, signal: context.signal });
  if (!options.json) context.stderr.write(`kforge: starting a ${release} guest that stays up while watching...\n`);
  const onNotice = (message: string) => context.stderr.write(`kforge: ${message}\n`);
  return GuestTarget.start(
    {
      release,
      bootImage,
      accel: options.accel ?? config.vm?.accel ?? VM_DEFAULTS.accel,
      memoryMb,
      timeoutMs: stepTimeoutMs,
      signal,
      env: context.env,
      sourceDir: dir,
      onNotice,
    },
    stepTimeoutMs,
  );
}

function createEmitter(
  options: WatchCommandOptions,
  context: CommandContext,
  dir: string,
  interactive: boolean,
): (event: WatchEventBody) => void {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const sources = (diagnostics: Diagnostic[]) => loadSourceLines(dir, diagnostics);
  return (body) => {
    const event = { ...body, time: new Date().toISOString() } as WatchEvent;
    if (options.json) return void context.stdout.write(`${JSON.stringify(event)}\n`);
    // On a terminal each cycle starts on a clean screen under the keys line.
    if (interactive && event.event === "build-start") context.stdout.write(`${CLEAR_SCREEN}${KEYS_LINE}\n`);
    const text = formatWatchEvent(event, palette, sources);
    if (text) context.stdout.write(`${text}\n`);
  };
}

// --host is checked before anything is built: where the kernel cannot load modules (no
// /proc/modules, as on this kind of CI runner) or kforge is neither root nor --sudo, it cannot work.
function openHost(options: WatchCommandOptions, context: CommandContext): HostOptions {
  if (options.vm)
    throw new UsageError(
      "--host and --vm cannot be used together",
      "pick one: --vm loads into a QEMU guest, --host into the running kernel",
    );
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
