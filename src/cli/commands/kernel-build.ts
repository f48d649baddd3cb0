// `kforge kernel build [<version> | --source <dir|tarball>] [--debug]`: a guest kernel (with --debug the
// memory, locking and leak checkers and KUnit) built and registered in kforge's cache.
import { buildKernel, type BuiltKernel } from "../../guest-kernel/kernel-build.js";
import { formatDuration } from "../../guest-kernel/progress.js";
import { chooseProgressMode } from "../../ui/build-progress.js";
import { createKernelBuildProgress } from "../../ui/kernel-build-progress.js";
import { openProject } from "../../project/project.js";
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
  // --for: the project whose in-tree needs and kforge.json debugKernel.config the variant adds.
  const project = options.for === undefined ? undefined : await openProject({ ...context, dir: options.for, flags: {} });
  let built: BuiltKernel;
  try {
    built = await buildKernel({
      series: options.version,
      source: options.source,
      debug: options.debug ?? false,
      project: project && { dir: project.dir, config: project.config },
      jobs: options.jobs,
      force: options.force,
      env: context.env,
      signal: context.signal,
      onEvent: progress.onEvent,
    });
  } finally {
    progress.finish();
  }
  if (options.json) context.stdout.write(`${JSON.stringify({ ok: true, ...toJson(built) })}\n`);
  else context.stdout.write(describe(built));
  return 0;
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
  return (
    `${head}\n  build:   ${built.kdir}\n  image:   ${built.image}\n  modules: ${built.modulesDir}\n` +
    `use it with: kforge build --kernel ${built.release}; kforge vm --kernel ${built.release}\n`
  );
}
