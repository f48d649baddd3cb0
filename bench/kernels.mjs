// The releases a benchmark runs against: the installed build trees, newest first, found and ordered
// by kforge's own code (dist/, so `npm run build` first). Never a release written into a benchmark.
import { findBuildTrees } from "../dist/kernel/build-tree.js";

export const installedReleases = async () => (await findBuildTrees()).map((tree) => tree.release);

// The newest installed release of a series such as "6.1", or the newest of all.
export async function newestRelease(series) {
  const releases = await installedReleases();
  const match = series ? releases.find((release) => release.startsWith(`${series}.`)) : releases[0];
  if (!match) throw new Error(`no installed build tree${series ? ` for ${series}.*` : ""}: run bash scripts/setup.sh`);
  return match;
}
