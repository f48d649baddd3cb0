// The host half of coverage: the guest's counters beside the build's notes (.gcno) in a temp dir,
// each pair checked to belong together, gcov run once over all of them in its JSON format, and the
// result narrowed to the project's sources. An object whose module never loaded has notes and no
// counters: gcov reads it as never run.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { EnvironmentError, InterruptedError } from "../errors.js";
import { listSourceFiles } from "../kbuild/mirror.js";
import { run } from "../process/exec.js";
import { describeMismatch, parseGcovHeader } from "./gcov-header.js";
import { parseGcovJson } from "./gcov-json.js";
import type { GcovTool } from "./gcov-tool.js";
import { type FileCoverage, sumTotals, type CoverageTotals } from "./model.js";

export interface AnalyzeInput {
  release: string;
  // Where kbuild built (the module dir, or its kernel's mirror under .kforge/build/).
  buildDir: string;
  // The module dir, whose sources the report names.
  dir: string;
  // Objects relative to buildDir, without extension (module-objects.ts).
  objects: string[];
  // The guest's counters by object.
  counters: ReadonlyMap<string, Buffer>;
  // Sources left out (relative to dir).
  excluded?: string[];
  gcov: GcovTool;
  signal?: AbortSignal;
}

export async function analyzeCoverage(input: AnalyzeInput): Promise<{ files: FileCoverage[]; totals: CoverageTotals }> {
  const work = await mkdtemp(join(tmpdir(), "kforge-gcov-"));
  try {
    const inputs: string[] = [];
    for (const object of input.objects) inputs.push(await stage(input, object, work));
    const result = await run(input.gcov.command, ["--branch-probabilities", "--json-format", "--stdout", ...inputs], {
      cwd: work,
      signal: input.signal,
    });
    if (result.canceled) throw new InterruptedError();
    if (result.failed) {
      const reason = result.stderr.trim().split("\n").at(-1) ?? `exit code ${result.exitCode}`;
      throw new EnvironmentError(
        `${input.gcov.command} failed on the coverage of ${input.release}: ${reason}`,
        "run it by hand to see the whole error",
      );
    }
    const sources = new Set(await listSourceFiles(input.dir));
    const files = parseGcovJson(result.stdout, { buildDir: input.buildDir, sources, excluded: new Set(input.excluded) });
    return { files, totals: sumTotals(files) };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// The object's notes, and its counters when the guest had them, under work/; returns gcov's input.
async function stage(input: AnalyzeInput, object: string, work: string): Promise<string> {
  const notesPath = join(input.buildDir, `${object}.gcno`);
  const notes = await readFile(notesPath).catch(() => {
    throw new EnvironmentError(
      `${notesPath} is missing: ${object}.o was built without gcov instrumentation`,
      "rebuild with coverage: kforge test --coverage builds with GCOV_PROFILE=y (a Kbuild line GCOV_PROFILE_<object>.o := n turns it off)",
    );
  });
  const notesHeader = parseGcovHeader(notes);
  if (notesHeader && notesHeader.gccMajor !== input.gcov.gccMajor) {
    throw new EnvironmentError(
      `${object}.gcno was written by GCC ${notesHeader.gccMajor}, ` +
        `but ${input.gcov.command} is GCC ${input.gcov.gccMajor}'s and reads only its own`,
      `build with the kernel's compiler, or install gcc-${notesHeader.gccMajor} for its gcov`,
    );
  }
  await mkdir(dirname(join(work, object)), { recursive: true });
  await writeFile(join(work, `${object}.gcno`), notes);
  const data = input.counters.get(object);
  if (data === undefined) return `${object}.gcno`;
  const mismatch = describeMismatch(object, notesHeader, parseGcovHeader(data));
  if (mismatch)
    throw new EnvironmentError(mismatch, "run the tests again on the current build; nothing may rebuild the module while its guest runs");
  await writeFile(join(work, `${object}.gcda`), data);
  return `${object}.gcda`;
}
