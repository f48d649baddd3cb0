// `kforge watch [dir]`: rebuild on every save and reload the new modules into a guest that stays
// up, with the test steps and the kernel log of each cycle. Glue over src/watch/.
import { resolve } from "node:path";
import { loadConfig } from "../../config/kforge-json.js";
import { EnvironmentError, ExitCode, isKforgeError } from "../../errors.js";
import type { Diagnostic } from "../../kbuild/parse-output.js";
import { findKernelImage } from "../../kernel/kernel-image.js";
import { createPalette } from "../../ui/color.js";
import { loadSourceLines } from "../../ui/diagnostics.js";
import { formatWatchEvent, KEYS_LINE } from "../../ui/watch-output.js";
import type { AccelRequest } from "../../vm/accel.js";
import { checkGuestMemory } from "../../vm/guest-memory.js";
import { prepareBootImage } from "../../vm/vmlinux.js";
import type { WatchEvent, WatchEventBody } from "../../watch/events.js";
import { GuestTarget } from "../../watch/guest-target.js";
import { WatchLoop } from "../../watch/watch-loop.js";
import type { CommandContext } from "../context.js";
import { selectVmKernel, VM_DEFAULTS } from "./vm.js";
import { listenForKeys } from "./watch-keys.js";

export interface WatchCommandOptions {
  dir?: string;
  vm?: boolean;
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
    if (options.json && isKforgeError(error)) context.stdout.write(`${JSON.stringify({ event: "error", message: error.message, hint: error.hint ?? null, time: new Date().toISOString() })}\n`);
    throw error;
  }
}

async function runWatch(options: WatchCommandOptions, context: CommandContext): Promise<number> {
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  const memoryMb = options.memory ?? config.vm?.memory ?? VM_DEFAULTS.memoryMb;
  checkGuestMemory(memoryMb, options.memory !== undefined ? "--memory" : "kforge.json vm.memory");
  const kernel = await selectVmKernel(options, config, context.env);
  const interactive = !options.json && process.stdin.isTTY === true && context.stdout.isTTY === true;
  const emit = createEmitter(options, context, dir, interactive);
  if (kernel.notice) context.stderr.write(`kforge: ${kernel.notice}\n`);
  const image = await findKernelImage({ release: kernel.release, vmKernel: options.vmKernel, configKernel: config.vm?.kernel, env: context.env });
  const bootImage = await prepareBootImage(image.path, { env: context.env, signal: context.signal });
  const quit = new AbortController();
  const signal = AbortSignal.any([context.signal, quit.signal]);
  if (!options.json) context.stderr.write(`kforge: booting a ${kernel.release} guest that stays up while watching...\n`);
  const stepTimeoutMs = 1000 * (options.timeout ?? config.vm?.timeout ?? VM_DEFAULTS.timeoutSeconds);
  const target = await GuestTarget.start(
    { bootImage, accel: options.accel ?? config.vm?.accel ?? VM_DEFAULTS.accel, memoryMb, timeoutMs: stepTimeoutMs, signal, env: context.env, sourceDir: dir },
    stepTimeoutMs,
  );
  if (context.signal.aborted) return ExitCode.interrupted;
  if (!target) throw new EnvironmentError(`the ${kernel.release} guest did not boot`, `run kforge vm ${dir} --kernel ${kernel.release} to see why the guest does not boot`);
  const loop = new WatchLoop({ dir, kernel: { release: kernel.release, kdir: kernel.kdir }, target, modules: options.module ?? [], parameterWords: context.extraArgs, emit, env: context.env });
  const keys = interactive
    ? listenForKeys({ rebuild: () => loop.rebuildNow(), test: () => loop.rerunTests(), clear: () => context.stdout.write(`${CLEAR_SCREEN}${KEYS_LINE}\n`), quit: () => quit.abort() })
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

function createEmitter(options: WatchCommandOptions, context: CommandContext, dir: string, interactive: boolean): (event: WatchEventBody) => void {
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
