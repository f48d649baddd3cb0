// Watches the module dir with chokidar and reports settled bursts: an editor that writes ten times
// in 200 ms, or writes a temp file and renames it over the source, gives one callback.
import { relative } from "node:path";
import { watch, type FSWatcher } from "chokidar";
import { isKbuildOutput, isSkippedDirectory, isWatchedFile } from "./watched-files.js";

// Quiet time after the last write before a burst counts as settled.
export const DEBOUNCE_MS = 150;

export interface SourceWatcher {
  ready: Promise<void>;
  close(): Promise<void>;
}

export function watchSources(
  dir: string,
  options: { extraFiles: () => string[]; onChange: (paths: string[]) => void; debounceMs?: number },
): SourceWatcher {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const toRelative = (path: string) => relative(dir, path);
  const watcher: FSWatcher = watch(dir, {
    ignoreInitial: true,
    ignored: (path, stats) => {
      const name = toRelative(path);
      if (name === "") return false;
      if (isSkippedDirectory(name)) return true;
      // Only kbuild's output is left unwatched: a file that is not watched yet may become a vm.test
      // script later, and chokidar would report a file it ignored at start as added at the next scan.
      return stats?.isFile() === true && isKbuildOutput(name);
    },
  });
  const flush = () => {
    const paths = [...pending].sort();
    pending.clear();
    if (paths.length > 0) options.onChange(paths);
  };
  const record = (path: string) => {
    const name = toRelative(path);
    if (!isWatchedFile(name, options.extraFiles())) return;
    pending.add(name);
    clearTimeout(timer);
    timer = setTimeout(flush, options.debounceMs ?? DEBOUNCE_MS);
  };
  for (const kind of ["add", "change", "unlink"] as const) watcher.on(kind, record);
  const ready = new Promise<void>((resolve) => watcher.once("ready", () => resolve()));
  return {
    ready,
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}
