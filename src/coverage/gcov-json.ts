// Pure: gcov's JSON intermediate format (`gcov --json-format --stdout`, one object per data file on
// its own line; GCC 9 and newer) turned into per-file coverage of the project's own sources. Kernel
// headers a module includes are left out; a header of the project that several objects include has
// its counts summed, as lcov does.
import { isAbsolute, normalize, relative } from "node:path";
import { type FileCoverage, type FunctionCoverage, type LineCount, tallyFile } from "./model.js";

interface GcovLine {
  line_number: number;
  count: number;
  function_name?: string;
  branches?: { count: number }[];
}

interface GcovFunction {
  name: string;
  demangled_name?: string;
  start_line: number;
  execution_count: number;
}

interface GcovFile {
  file: string;
  lines?: GcovLine[];
  functions?: GcovFunction[];
}

export interface SourceFilter {
  // The dir kbuild compiled in (its absolute paths are what gcov names).
  buildDir: string;
  // The project's source files, relative to the module dir (and so to a mirrored build dir).
  sources: ReadonlySet<string>;
  // Sources left out of the report (KUnit suites: their own code is not what is measured).
  excluded?: ReadonlySet<string>;
}

interface MergedFile {
  lines: Map<number, { count: number; functionName?: string; branches: number[] }>;
  functions: Map<string, { name: string; line: number; calls: number }>;
}

// The project-relative path of a source gcov names, or undefined for anything else (kernel headers).
export function projectPath(file: string, filter: SourceFilter): string | undefined {
  const path = normalize(isAbsolute(file) ? relative(filter.buildDir, file) : file);
  if (path.startsWith("..") || isAbsolute(path)) return undefined;
  if (!filter.sources.has(path) || filter.excluded?.has(path)) return undefined;
  return path;
}

export function parseGcovJson(output: string, filter: SourceFilter): FileCoverage[] {
  const merged = new Map<string, MergedFile>();
  for (const text of output.split("\n")) {
    if (!text.trim().startsWith("{")) continue;
    const document = JSON.parse(text) as { files?: GcovFile[] };
    for (const file of document.files ?? []) {
      const path = projectPath(file.file, filter);
      if (path === undefined) continue;
      const entry = merged.get(path) ?? { lines: new Map(), functions: new Map() };
      merged.set(path, entry);
      mergeFile(entry, file);
    }
  }
  return [...merged].sort(([left], [right]) => left.localeCompare(right)).map(([path, entry]) => toFileCoverage(path, entry));
}

function mergeFile(entry: MergedFile, file: GcovFile): void {
  for (const line of file.lines ?? []) {
    const known = entry.lines.get(line.line_number);
    const branches = (line.branches ?? []).map((branch) => branch.count);
    if (!known) {
      entry.lines.set(line.line_number, { count: line.count, functionName: line.function_name, branches });
      continue;
    }
    known.count += line.count;
    for (const [index, count] of branches.entries()) known.branches[index] = (known.branches[index] ?? 0) + count;
  }
  for (const item of file.functions ?? []) {
    const key = `${item.name}:${item.start_line}`;
    const known = entry.functions.get(key);
    if (known) known.calls += item.execution_count;
    else entry.functions.set(key, { name: item.demangled_name ?? item.name, line: item.start_line, calls: item.execution_count });
  }
}

function toFileCoverage(path: string, entry: MergedFile): FileCoverage {
  const lineCounts: LineCount[] = [...entry.lines]
    .sort(([left], [right]) => left - right)
    .map(([line, { count, branches }]) => (branches.length ? { line, count, branches } : { line, count }));
  const functionList: FunctionCoverage[] = [...entry.functions.values()]
    .sort((left, right) => left.line - right.line)
    .map((item) => {
      const own = [...entry.lines].filter(([, line]) => line.functionName === item.name).map(([, line]) => line);
      const branches = own.flatMap((line) => line.branches);
      return {
        ...item,
        lines: { hit: own.filter((line) => line.count > 0).length, total: own.length },
        branches: { hit: branches.filter((count) => count > 0).length, total: branches.length },
      };
    });
  return tallyFile(path, lineCounts, functionList);
}
