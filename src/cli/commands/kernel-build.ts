// `kforge kernel build [<version> | --source <dir|tarball>] [--debug]`: a guest kernel (with --debug the
// memory, locking and leak checkers and KUnit) built and registered in kforge's cache.
import { resolve } from "node:path";
import { isKforgeError } from "../../errors.js";
import { buildKernel, type BuiltKernel } from "../../guest-kernel/kernel-build.js";
import { formatDuration } from "../../guest-kernel/progress.js";
import { chooseProgressMode } from "../../ui/build-progress.js";
import { createKernelBuildProgress } from "../../ui/kernel-build-progress.js";
import type { DebugKernelBuilder } from "../../vm/debug-kernel.js";
import type { CommandContext } from "../context.js";

export interface KernelBuildCommandOptions {
  version?: string;
  source?: string;
  debug?: boolean;
  // Project dir (--for).
  for?: string;
  jobs?: number;
  force?: boolean;
  verbose?: boolean;
  json?: boolean;
}

export async function kernelBuildCommand(options: KernelBuildCommandOptions, context: CommandContext): Promise<number> {
  const mode = chooseProgressMode({ json: options.json, verbose: options.verbose, stream: context.stderr, env: context.env });
  const progress = createKernelBuildProgress(mode, context.stderr);
  let built: BuiltKernel;
  try {
    built = await buildKernel({
      series: options.version,
      source: options.source,
      debug: options.debug ?? false,
      project: options.for && resolve(context.cwd, options.for),
      jobs: options.jobs,
      force: options.force,
      env: context.env,
      signal: context.signal,
      onEvent: progress.onEvent,
    });
  } catch (error) {
    if (options.json && isKforgeError(error))
      context.stdout.write(`${JSON.stringify({ ok: false, error: { message: error.message, hint: error.hint ?? null } })}\n`);
    throw error;
  } finally {
    progress.finish();
  }
  if (options.json) context.stdout.write(`${JSON.stringify({ ok: true, ...toJson(built) })}\n`);
  else context.stdout.write(describe(built));
  return 0;
}

// `--debug` with no debug kernel built yet: build it first, with the same progress on stderr as
// `kforge kernel build <series> --debug` (whose command line the notice names, for next time), with
// --json too: stdout stays the caller's, and minutes of silence would look like a hang.
export function debugKernelBuilder(context: CommandContext): DebugKernelBuilder {
  return async (request, reason) => {
    const command = `kforge kernel build ${request.series} --debug${request.project ? ` --for ${request.project}` : ""}`;
    context.stderr.write(`kforge: --debug: ${reason}; building it now, as ${command} would (minutes, once; later runs reuse it)\n`);
    const progress = createKernelBuildProgress(chooseProgressMode({ stream: context.stderr, env: context.env }), context.stderr);
    try {
      const built = await buildKernel({
        ...request,
        series: request.source ? undefined : request.series,
        debug: true,
        env: context.env,
        signal: context.signal,
        onEvent: progress.onEvent,
      });
      if (!built.upToDate)
        context.stderr.write(`kforge: built ${built.release} in ${formatDuration(built.durationMs)} (log: ${built.log})\n`);
      return built.release;
    } finally {
      progress.finish();
    }
  };
}

function toJson(built: BuiltKernel) {
  return {
    release: built.release,
    upToDate: built.upToDate,
    reason: built.reason ?? null,
    source: built.source,
    kdir: built.kdir,
    image: built.image,
    modulesDir: built.modulesDir,
    config: built.config,
    fragment: built.fragment,
    log: built.log ?? null,
    durationMs: built.durationMs,
  };
}

function describe(built: BuiltKernel): string {
  const head = built.upToDate
    ? `kernel ${built.release} is up to date (from ${built.source.origin}; --force runs make again)`
    : `built kernel ${built.release} from ${built.source.origin} in ${formatDuration(built.durationMs)}\n  log:     ${built.log}`;
  return `${head}\n  build:   ${built.kdir}\n  image:   ${built.image}\n  modules: ${built.modulesDir}\nuse it with: kforge build --kernel ${built.release}; kforge vm --kernel ${built.release}\n`;
}
