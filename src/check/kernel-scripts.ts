// Where checkpatch.pl and coccinelle's semantic patches come from: neither is in a headers package,
// only in a kernel source tree. In order: the tree the user names (--source, kforge.json check.source),
// the linux-source kforge already unpacked into its cache for debug kernels (the kernel's own series
// first), the kernel build tree itself when it is a source tree, a tree unpacked under /usr/src;
// failing those, checkpatch.pl on PATH, and last Debian's linux-source-<series>, fetched into the
// cache the way `kforge kernel build` fetches it.
import { readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isKforgeError, UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { obtainSource, seriesOf, sourcesDir } from "../guest-kernel/kernel-source.js";
import { compareReleases } from "../kernel/build-tree.js";

export interface KernelScripts {
  // The source tree holding scripts/checkpatch.pl and scripts/coccinelle/.
  dir: string;
  // Said in the report: "linux-source-6.12 in kforge's cache".
  origin: string;
}

export interface ScriptsRequest {
  release: string;
  kdir: string;
  // --source or kforge.json check.source, relative to cwd.
  source?: string;
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

const hasScripts = (dir: string) => isAccessible(join(dir, "scripts", "checkpatch.pl"));

// The Debian package that provides the scripts for this kernel, for notices.
export const sourcePackageFor = (release: string) => `linux-source-${seriesOf(release) ?? "<version>"}`;

export async function findKernelScripts(request: ScriptsRequest): Promise<KernelScripts | undefined> {
  if (request.source !== undefined) {
    const dir = resolve(request.cwd, request.source);
    if (await hasScripts(dir)) return { dir, origin: dir };
    throw new UsageError(
      `${dir} has no scripts/checkpatch.pl, so it is not a kernel source tree`,
      "point --source (or kforge.json check.source) at an unpacked kernel source, or leave it out to use kforge's",
    );
  }
  for (const candidate of await candidates(request)) if (await hasScripts(candidate.dir)) return candidate;
  return undefined;
}

async function candidates(request: ScriptsRequest): Promise<KernelScripts[]> {
  const cache = sourcesDir(request.env);
  const own = sourcePackageFor(request.release);
  const cached = (await readdir(cache).catch(() => [] as string[])).filter((name) => name !== own && !name.includes(".partial-"));
  const system = (await readdir("/usr/src").catch(() => [] as string[])).filter((name) => /^linux-source-[\d.]+$/.test(name));
  return [
    { dir: join(cache, own), origin: `${own} in kforge's cache` },
    ...cached
      .sort(compareReleases)
      .reverse()
      .map((name) => ({ dir: join(cache, name), origin: `${name} in kforge's cache` })),
    { dir: request.kdir, origin: `the kernel tree ${request.kdir}` },
    { dir: join(request.kdir, "source"), origin: `the kernel tree ${request.kdir}` },
    ...system
      .sort(compareReleases)
      .reverse()
      .map((name) => ({ dir: join("/usr/src", name), origin: `/usr/src/${name}` })),
  ];
}

// Fetches linux-source-<series> into the cache; undefined with the reason when that fails (offline, no
// such package), which the report then gives as the missing checkers' reason.
export async function fetchKernelScripts(request: ScriptsRequest): Promise<KernelScripts | { problem: string }> {
  const series = seriesOf(request.release);
  if (!series) return { problem: `no kernel series in release ${request.release}` };
  try {
    const source = await obtainSource({ series, env: request.env, signal: request.signal, onProgress: request.onProgress });
    return { dir: source.dir, origin: `${source.origin}, fetched into kforge's cache` };
  } catch (error) {
    if (!isKforgeError(error) || error.exitCode === 130) throw error;
    return { problem: error.message };
  }
}
