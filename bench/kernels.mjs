// The releases a benchmark runs against: the installed build trees, newest first, found and ordered
// by kforge's own code (dist/, so `npm run build` first). Never a release written into a benchmark.
import { readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { findBuildTrees } from "../dist/kernel/build-tree.js";

export const installedReleases = async () => (await findBuildTrees()).map((tree) => tree.release);

// The newest installed release of a series such as "6.1", or the newest of all.
export async function newestRelease(series) {
  const releases = await installedReleases();
  const match = series ? releases.find((release) => release.startsWith(`${series}.`)) : releases[0];
  if (!match) throw new Error(`no installed build tree${series ? ` for ${series}.*` : ""}: run bash scripts/setup.sh`);
  return match;
}

// kforge's cache of kernels, and the newest debug kernel in it (scripts/setup.sh builds one).
export const cachedKernels = join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "kforge", "kernels");

export function newestDebugRelease() {
  const release = readdirSync(cachedKernels)
    .filter((name) => name.endsWith("-kforge-debug"))
    .sort()
    .at(-1);
  if (!release) throw new Error(`no *-kforge-debug kernel in ${cachedKernels}: run bash scripts/setup.sh`);
  return release;
}

// A benchmark's --name value.
export const argument = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : process.argv[index + 1];
};
