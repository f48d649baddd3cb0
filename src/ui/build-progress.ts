// Shows a build as it runs: a listr2 list on a terminal, plain lines in CI and pipes, raw make output
// with --verbose, only the make lock's wait with --json. The only file that imports listr2. While
// the list runs, listr2 holds back every other write to stdout and stderr, so nothing is printed over it.
import type { ListrTaskWrapper } from "listr2";
import type { BuildEvent } from "../kbuild/build-modules.js";
import { createBuildCounter, formatBuildCounts, shouldCount } from "./build-counts.js";
import type { OutputStream } from "./output-stream.js";

export type ProgressMode = "list" | "plain" | "verbose" | "silent";

export interface BuildProgress {
  onEvent(event: BuildEvent): void;
  // Ends the display; `title` is the one-line outcome shown on the list.
  finish(outcome: { ok: boolean; title: string }): Promise<void>;
}

export function chooseProgressMode(options: {
  json?: boolean;
  verbose?: boolean;
  stream: OutputStream;
  env: NodeJS.ProcessEnv;
}): ProgressMode {
  if (options.json) return "silent";
  if (options.verbose) return "verbose";
  const isCi = options.env.CI !== undefined && options.env.CI !== "" && options.env.CI !== "false";
  return options.stream.isTTY && !isCi && options.env.TERM !== "dumb" ? "list" : "plain";
}

export async function createBuildProgress(mode: ProgressMode, title: string, stream: OutputStream): Promise<BuildProgress> {
  if (mode === "list") return createListProgress(title, stream as NodeJS.WriteStream);
  // --json keeps stdout for its one object, but waiting on another kforge's make and notices are still
  // said (on `stream`, stderr): a build that seems to hang needs its reason.
  if (mode === "silent")
    return {
      onEvent: (event) => {
        const said = describeBuildNotice(event);
        if (said) stream.write(`kforge: ${said}\n`);
      },
      finish: async () => undefined,
    };
  return {
    onEvent: (event) => {
      // The title waits for the build to start, so an early usage error is printed alone.
      if (event.kind === "start" || event.kind === "up-to-date") stream.write(`${title}\n`);
      if (mode === "verbose" && event.kind === "output") stream.write(`${event.line}\n`);
      if (mode === "plain" && event.kind === "step") stream.write(`  ${event.step.padEnd(8)} ${event.target}\n`);
      const said = describeBuildNotice(event);
      if (said) stream.write(`kforge: ${said}\n`);
    },
    finish: async () => undefined,
  };
}

// What a build says while it runs, whatever the progress mode, --json included (on stderr): why it
// waits (another kforge's make in this dir) and notices; undefined for every other event.
export function describeBuildNotice(event: BuildEvent): string | undefined {
  if (event.kind === "waiting") return `waiting: kforge process ${event.holder} is running make in this dir (lock ${event.lock})`;
  if (event.kind === "notice") return event.message;
  return undefined;
}

type Wrapper = ListrTaskWrapper<unknown, never, never>;

const DEFAULT_COLUMNS = 80;

// A terminal nobody sized (a pty under `script -qc`) reports 0 columns, and listr2 would wrap every
// line at width 0: one character per line. Such streams get 80 columns while the list runs;
// listr2 measures process.stdout, its log-update the stream it draws on. Returns the undo.
export function ensureTerminalColumns(streams: readonly { columns?: number }[]): () => void {
  const unsized = [...new Set(streams)].filter((stream) => !stream.columns);
  const before = unsized.map((stream) => stream.columns);
  for (const stream of unsized) stream.columns = DEFAULT_COLUMNS;
  return () => {
    for (const [index, stream] of unsized.entries()) stream.columns = before[index];
  };
}

// listr2 is loaded only on a terminal: plain and JSON runs (CI, scripts) skip its start-up cost.
async function createListProgress(title: string, stream: NodeJS.WriteStream): Promise<BuildProgress> {
  const list = await createListRows([title], stream);
  const row = list.rows[0]!;
  return {
    onEvent: row.onEvent,
    finish: async (outcome) => {
      row.finish(outcome);
      await list.close();
    },
  };
}

export interface ListRow {
  onEvent(event: BuildEvent): void;
  // Ends the row; `title` is the one-line outcome it keeps.
  finish(outcome: { ok: boolean; title: string }): void;
}

// One row per build running at the same time (a matrix build's kernels); close() ends the rows still
// open (the builds were stopped by an error) and waits until the list is drawn for the last time.
export async function createListRows(
  titles: readonly string[],
  stream: NodeJS.WriteStream,
): Promise<{ rows: ListRow[]; close(): Promise<void> }> {
  const { Listr, ListrLogger, ProcessOutput } = await import("listr2");
  const restoreColumns = ensureTerminalColumns([stream, process.stdout]);
  const rows = titles.map(createRow);
  // stdout and stderr swapped on purpose: listr2 draws on its "stdout", which is our stderr, and
  // buffers writes to both real streams until the list ends.
  const logger = new ListrLogger({ useIcons: true, processOutput: new ProcessOutput(stream, process.stdout) });
  const list = new Listr(
    rows.map((row) => row.task),
    {
      concurrent: true,
      renderer: "default",
      rendererOptions: { logger, showErrorMessage: false },
      registerSignalListeners: false,
      exitOnError: false,
    },
  );
  const running = list.run().catch(() => undefined);
  return {
    rows: rows.map((row) => row.progress),
    close: async () => {
      for (const row of rows) row.progress.finish({ ok: false, title: `${row.task.title}: stopped` });
      await running;
      restoreColumns();
    },
  };
}

function createRow(title: string) {
  let wrapper: Wrapper | undefined;
  let settle: (outcome: { ok: boolean; title: string }) => void = () => undefined;
  const outcome = new Promise<{ ok: boolean; title: string }>((resolve) => {
    settle = resolve;
  });
  const counts = createCountedTitle(title, (text) => {
    if (wrapper) wrapper.title = text;
  });
  const task = {
    title,
    task: async (_context: unknown, task: unknown) => {
      wrapper = task as Wrapper;
      const { ok, title: finalTitle } = await outcome;
      wrapper.title = finalTitle;
      if (!ok) throw new Error(finalTitle);
    },
    rendererOptions: { bottomBar: 4, persistentOutput: false },
  };
  const progress: ListRow = {
    onEvent: (event) => {
      counts.onEvent(event);
      if (event.kind === "step" && wrapper) wrapper.output = `${event.step.padEnd(8)} ${event.target}`;
      const said = describeBuildNotice(event);
      if (said && wrapper) wrapper.output = said;
    },
    // Only the first outcome counts: a later one (close() after an error) changes nothing.
    finish: (result) => {
      counts.stop();
      settle(result);
    },
  };
  return { task, progress };
}

// For a build of more than a handful of objects, the row's title says how far along it is, and the
// elapsed time ticks every second even while one object takes long.
function createCountedTitle(title: string, setTitle: (text: string) => void): { onEvent(event: BuildEvent): void; stop(): void } {
  const counter = createBuildCounter();
  let started = 0;
  let size: Extract<BuildEvent, { kind: "start" }>["size"];
  let timer: NodeJS.Timeout | undefined;
  const render = () => size && setTitle(`${title}: ${formatBuildCounts(counter.counts, size, Date.now() - started)}`);
  return {
    onEvent(event) {
      if (event.kind === "start" && shouldCount(event.size)) {
        size = event.size;
        started = Date.now();
        timer = setInterval(render, 1000);
        render();
      }
      if (event.kind === "step" && size) {
        counter.onStep(event.step, event.target);
        render();
      }
    },
    stop: () => clearInterval(timer),
  };
}
