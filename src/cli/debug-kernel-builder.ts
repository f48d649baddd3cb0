// `--debug` with no debug kernel built yet: vm, test and watch build it first, with the progress
// `kforge kernel build` shows.
import { buildKernel } from "../guest-kernel/kernel-build.js";
import { formatDuration } from "../guest-kernel/progress.js";
import { chooseProgressMode } from "../ui/build-progress.js";
import { createKernelBuildProgress } from "../ui/kernel-build-progress.js";
import type { DebugKernelBuilder } from "../vm/debug-kernel.js";
import type { CommandContext } from "./context.js";

// `--debug` with no debug kernel built yet: build it first, with the same progress on stderr as
// `kforge kernel build <series> --debug` (whose command line the notice names, for next time), with
// --json too: stdout stays the caller's, and minutes of silence would look like a hang.
export function debugKernelBuilder(context: CommandContext): DebugKernelBuilder {
  return async (request, reason) => {
    const command = `kforge kernel build ${request.series} --debug${request.project ? ` --for ${request.project.dir}` : ""}`;
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
