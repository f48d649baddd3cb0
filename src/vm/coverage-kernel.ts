// `--coverage` needs a kernel with gcov (CONFIG_GCOV_KERNEL): the selected kernel when it has it,
// else kforge's debug kernel of the same version (which has it), picked, and built when missing, as
// `--debug` does. A debug kernel built before kforge added gcov to it is rebuilt with the builder
// (only what the option touches compiles again). A tree the user named with --kdir is never swapped.
import { readlink } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { seriesOf } from "../guest-kernel/kernel-source.js";
import type { BuildTree } from "../kernel/build-tree.js";
import { parseBuiltRelease } from "../kernel/built-release.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import type { Project } from "../project/project.js";
import { type DebugKernelBuilder, resolveDebugRelease } from "./debug-kernel.js";

export const hasGcov = async (kdir: string): Promise<boolean> => (await readKernelConfig(kdir))?.get("CONFIG_GCOV_KERNEL") === "y";

export interface CoverageKernelRequest {
  project: Project;
  build?: DebugKernelBuilder;
  signal?: AbortSignal;
}

export async function resolveCoverageKernel(
  selected: BuildTree & { notice?: string },
  request: CoverageKernelRequest,
): Promise<BuildTree & { notice?: string }> {
  if (await hasGcov(selected.kdir)) return selected;
  const series = seriesOf(selected.release) ?? "<major.minor>";
  if (request.project.flags.kdir !== undefined) {
    throw new EnvironmentError(
      `${selected.release} (--kdir ${selected.kdir}) has no gcov support ` +
        `(CONFIG_GCOV_KERNEL), so a module built against it records no coverage`,
      `drop --kdir: kforge test --coverage then uses kforge's debug kernel of the ` +
        `release, which has gcov (built once with kforge kernel build ${series} --debug)`,
    );
  }
  const { project, build, signal } = request;
  const debug = await resolveDebugRelease(selected, { env: project.env, build, project, signal });
  const notice = debug.notice.replace(/^--debug: /, "--coverage: ");
  const joined = [selected.notice, notice].filter(Boolean).join("; ");
  if (await hasGcov(debug.kdir)) return { release: debug.release, kdir: debug.kdir, notice: joined };
  const built = parseBuiltRelease(debug.release);
  const debugSeries = built ? seriesOf(built.version)! : series;
  const command = `kforge kernel build ${debugSeries} --debug${built?.variant ? ` --for ${project.dir}` : ""}`;
  const lacks = `${debug.release} has no gcov support (CONFIG_GCOV_KERNEL): it was built before kforge's debug kernels had it`;
  if (!build) throw new EnvironmentError(lacks, `rebuild it once (only the gcov objects compile again): ${command}`);
  const source = built?.variant ? await readlink(join(debug.kdir, "source")) : undefined;
  const release = await build({ series: debugSeries, source, project: built?.variant ? project : undefined }, lacks);
  const kdir = join(debug.kdir, "..", "..", release, "build");
  if (!(await hasGcov(kdir)))
    throw new EnvironmentError(`${release} still has no gcov support after its rebuild`, `see its build log under ${kdir}/..`);
  return { release, kdir, notice: `${joined}; rebuilt with gcov` };
}
