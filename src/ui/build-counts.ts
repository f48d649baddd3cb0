// Pure: counts kbuild's step lines against the expected size of the build, and formats the
// progress row ("12/42 objects, 3/42 modules linked, 8 s"). Only builds bigger than a handful of
// objects get the counts: for one or two files the spinner says enough.
import type { BuildSize } from "../kbuild/build-size.js";

const HANDFUL = 5;

export interface BuildCounts {
  compiled: number;
  linked: number;
}

export function createBuildCounter(): { counts: BuildCounts; onStep(step: string, target: string): void } {
  const counts: BuildCounts = { compiled: 0, linked: 0 };
  return {
    counts,
    onStep(step, target) {
      const name = target.split("/").pop() ?? target;
      // CC of the .mod.o glue and of .module-common.o is kbuild's, not the project's sources.
      if (step.startsWith("CC") && name.endsWith(".o") && !name.endsWith(".mod.o") && name !== ".module-common.o") counts.compiled++;
      if (step.startsWith("LD") && name.endsWith(".ko")) counts.linked++;
    },
  };
}

export function shouldCount(size: BuildSize | undefined): size is BuildSize {
  return size !== undefined && size.objects > HANDFUL;
}

export function formatBuildCounts(counts: BuildCounts, size: BuildSize, elapsedMs: number): string {
  // A Kbuild list read from variables or a stale .cmd count can be off: never show 45/42.
  const objects = Math.max(size.objects, counts.compiled);
  const modules = Math.max(size.modules, counts.linked);
  return `${counts.compiled}/${objects} objects, ${counts.linked}/${modules} modules linked, ${Math.floor(elapsedMs / 1000)} s`;
}
