// `kforge vm [dir]` (also `kforge test --vm`): build if needed, boot the release's kernel in QEMU,
// load the modules, run the test steps, unload, and report. Glue over src/vm/.
import { join, resolve } from "node:path";
import { loadConfig, type KforgeConfig } from "../../config/kforge-json.js";
import { ExitCode, isKforgeError, UsageError } from "../../errors.js";
import { buildModules } from "../../kbuild/build-modules.js";
import { chooseBuildDir } from "../../kbuild/output-dir.js";
import { describeBypassedWrappers } from "../../kbuild/wrapper-notice.js";
import { selectKernel } from "../../kernel/select.js";
import { createPalette } from "../../ui/color.js";
import { formatDiagnostics, loadSourceLines } from "../../ui/diagnostics.js";
import { formatVmReport } from "../../ui/vm-report.js";
import type { AccelRequest } from "../../vm/qemu/accel.js";
import { hasKmemleak, resolveDebugRelease } from "../../vm/debug-kernel.js";
import { checkGuestMemory } from "../../vm/guest/memory.js";
import { launchVm } from "../../vm/launch.js";
import { adviseOnTimeLimit, chooseTimeLimit } from "../../vm/time-limit.js";
import { prepareVmPlan } from "../../vm/prepare.js";
import type { VmResult } from "../../vm/report.js";
import type { CommandContext } from "../context.js";
import { debugKernelBuilder } from "./kernel-build.js";

export interface VmCommandOptions {
  dir?: string;
  kernel?: string;
  kdir?: string;
  vmKernel?: string;
  timeout?: number;
  json?: boolean;
  accel?: AccelRequest;
  exec?: string[];
  shell?: boolean;
  memory?: number;
  append?: string[];
  module?: string[];
  keepGoing?: boolean;
  cold?: boolean;
  debug?: boolean;
}

// What another command adds to a guest run (kforge test: its KUnit suites): which built modules
// to load, modules loaded even when --module selects others, and the result's last word.
export interface VmRunExtension {
  chooseModules(input: {
    dir: string;
    kdir: string;
    release: string;
    modules: string[];
  }): Promise<{ modules: string[]; alwaysLoad: string[]; notices: string[] }>;
  finish(result: VmResult): Promise<{ result: VmResult; text: string }>;
}

// The time limit's default depends on the kernel: vm/time-limit.ts.
export const VM_DEFAULTS = { memoryMb: 256, accel: "auto" as AccelRequest };

export async function vmCommand(options: VmCommandOptions, context: CommandContext, extension?: VmRunExtension): Promise<number> {
  try {
    return await runVmCommand(options, context, extension);
  } catch (error) {
    if (options.json && isKforgeError(error))
      context.stdout.write(`${JSON.stringify({ ok: false, error: { message: error.message, hint: error.hint ?? null } })}\n`);
    throw error;
  }
}

async function runVmCommand(options: VmCommandOptions, context: CommandContext, extension?: VmRunExtension): Promise<number> {
  if (options.shell && options.json) throw new UsageError("--shell and --json cannot be combined", "drop one of them");
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  const memoryMb = options.memory ?? config.vm?.memory ?? VM_DEFAULTS.memoryMb;
  checkGuestMemory(memoryMb, options.memory !== undefined ? "--memory" : "kforge.json vm.memory");
  const kernel = await selectVmKernel(options, config, context, dir);
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  const say = (text: string) => !options.json && context.stderr.write(`${text}\n`);
  // Every notice goes to stderr, with --json too, and into the result's notices.
  const notices: string[] = [];
  const notify = (message: string, styled = `kforge: ${message}`) => {
    notices.push(message);
    context.stderr.write(`${styled}\n`);
  };
  if (kernel.notice) notify(kernel.notice);
  for (const notice of await describeBypassedWrappers(dir, config.build?.command)) notify(notice);
  // After a matrix build, the kernel's own tree holds its newest artifact.
  const build = await buildModules({
    dir: await chooseBuildDir(dir, kernel.release),
    kernel: { release: kernel.release, kdir: kernel.kdir },
    signal: context.signal,
    environment: context.env,
  });
  if (build.interrupted) return ExitCode.interrupted;
  if (!build.ok) {
    if (options.json)
      context.stdout.write(
        `${JSON.stringify({ ok: false, release: kernel.release, build: { ok: false, log: build.log, diagnostics: build.diagnostics } })}\n`,
      );
    else
      context.stderr.write(
        `${formatDiagnostics(build.diagnostics, palette, loadSourceLines(dir, build.diagnostics))}\nbuild failed for ${kernel.release}, nothing booted; full log: ${build.log}\n`,
      );
    return ExitCode.failed;
  }
  const built = `${build.upToDate ? "modules up to date" : "built"}: ${build.artifacts.map((artifact) => artifact.module).join(", ")} for ${kernel.release}`;
  notify(built, palette.dim(built));
  const tests = [...(config.vm?.test ?? []), ...(options.exec ?? [])];
  const artifacts = build.artifacts.map((artifact) => artifact.path);
  const chosen = extension
    ? await extension.chooseModules({ dir, kdir: kernel.kdir, release: kernel.release, modules: artifacts })
    : { modules: artifacts, alwaysLoad: [], notices: [] };
  for (const message of chosen.notices) notify(message);
  const select = options.module?.length
    ? { names: options.module, optionName: "--module" }
    : { names: config.vm?.modules ?? [], optionName: "kforge.json vm.modules" };
  const plan = await prepareVmPlan({
    dir,
    release: kernel.release,
    modules: chosen.modules,
    configParams: config.params,
    parameterWords: context.extraArgs,
    tests,
    env: context.env,
    select: select.names.length ? { ...select, names: [...select.names, ...chosen.alwaysLoad] } : select,
  });
  if (tests.length === 0 && !options.shell && chosen.alwaysLoad.length === 0)
    notify("no test steps: add vm.test to kforge.json or pass --exec; only load and unload were checked");
  const timeLimit = chooseTimeLimit({ flag: options.timeout, config: config.vm?.timeout, release: kernel.release });
  const launched = await launchVm({
    release: kernel.release,
    plan,
    vmKernel: options.vmKernel,
    configKernel: config.vm?.kernel,
    accel: options.accel ?? config.vm?.accel ?? VM_DEFAULTS.accel,
    timeoutMs: 1000 * timeLimit.seconds,
    memoryMb,
    append: options.append,
    shell: options.shell,
    keepGoing: options.keepGoing,
    cold: options.cold,
    consoleLogPath: join(dir, ".kforge", "logs", kernel.release, "vm-console.log"),
    kmemleak: await hasKmemleak(kernel.kdir),
    env: context.env,
    signal: context.signal,
    onNotice: (message) => context.stderr.write(`kforge: ${message}\n`),
    events: { onStepStart: (step) => say(palette.dim(`  ... ${step.name}`)) },
  });
  // launchVm's own notices (KVM fallback, compressed image) are already in the result.
  launched.notices = [...notices, ...launched.notices];
  const advised = adviseOnTimeLimit(launched, timeLimit);
  const { result, text } = extension ? await extension.finish(advised) : { result: advised, text: "" };
  if (options.json) context.stdout.write(`${JSON.stringify(result)}\n`);
  else context.stdout.write(formatVmReport(result, createPalette(context.stdout as NodeJS.WriteStream)) + text);
  if (result.end === "interrupted") return ExitCode.interrupted;
  return result.ok ? ExitCode.ok : ExitCode.failed;
}

// The selected release, or with --debug its debug kernel, or the project's variant of it (debug-kernel.ts).
export async function selectVmKernel(
  options: VmCommandOptions,
  config: KforgeConfig,
  context: CommandContext,
  project: string,
): Promise<{ release: string; kdir: string; notice?: string }> {
  const selected = await selectKernel({ ...chooseKernel(options, config), env: context.env });
  if (!options.debug) return selected;
  const debug = await resolveDebugRelease(selected, {
    env: context.env,
    build: debugKernelBuilder(context),
    project,
    signal: context.signal,
  });
  return { ...debug, notice: [selected.notice, debug.notice].filter(Boolean).join("; ") };
}

// Flags win over kforge.json; a list of kernels in kforge.json boots the first unless --kernel says.
export function chooseKernel(options: VmCommandOptions, config: KforgeConfig): { kernel?: string; kdir?: string } {
  if (options.kernel !== undefined || options.kdir !== undefined) return { kernel: options.kernel, kdir: options.kdir };
  return { kernel: Array.isArray(config.kernel) ? config.kernel[0] : config.kernel, kdir: config.kdir };
}
