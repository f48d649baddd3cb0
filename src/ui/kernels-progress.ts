// The progress of a build for a list of kernels: for one kernel the build's own display (a listr2 row
// on a terminal, step lines in CI); for several a row per kernel on a terminal, else a line per
// kernel that is up to date, and with --verbose make's output with each line prefixed by its kernel.
import { basename } from "node:path";
import type { BuildEvent, KernelBuildResult } from "../kbuild/build-modules.js";
import { createBuildProgress, createListRows, describeBuildNotice, type ProgressMode } from "./build-progress.js";
import { describeOutcome } from "./build-summary.js";
import type { OutputStream } from "./output-stream.js";

export interface KernelsProgress {
  onEvent(release: string, event: BuildEvent): void;
  onResult(result: KernelBuildResult): void;
  // Ends the display; an error that stopped the build is its title.
  close(error?: Error): Promise<void>;
}

export async function createKernelsProgress(
  mode: ProgressMode,
  dir: string,
  releases: readonly string[],
  stream: OutputStream,
): Promise<KernelsProgress> {
  const name = basename(dir);
  if (releases.length === 1) {
    const title = `building ${name} for ${releases[0]}`;
    const progress = await createBuildProgress(mode, title, stream);
    let finished: Promise<void> | undefined;
    return {
      onEvent: (_release, event) => progress.onEvent(event),
      onResult: (result) => {
        finished = progress.finish({ ok: result.ok, title: describeOutcome(result, dir) });
      },
      close: (error) => finished ?? progress.finish({ ok: false, title: `${title}: ${error?.message ?? "stopped"}` }),
    };
  }
  if (mode === "list") {
    const list = await createListRows(
      releases.map((release) => `building ${name} for ${release}`),
      stream as NodeJS.WriteStream,
    );
    const row = (release: string) => list.rows[releases.indexOf(release)]!;
    return {
      onEvent: (release, event) => row(release).onEvent(event),
      onResult: (result) => row(result.release).finish({ ok: result.ok, title: describeOutcome(result, dir) }),
      close: () => list.close(),
    };
  }
  return {
    onEvent: (release, event) => {
      // Also with --json (stderr): a kernel waiting on another kforge's make says why it is slow.
      const said = describeBuildNotice(event);
      if (said) stream.write(`  ${release}: ${said}\n`);
      if (mode === "verbose" && event.kind === "output") stream.write(`[${release}] ${event.line}\n`);
      if (mode !== "silent" && event.kind === "up-to-date") stream.write(`  ${release}: up to date\n`);
    },
    onResult: () => undefined,
    close: async () => undefined,
  };
}
