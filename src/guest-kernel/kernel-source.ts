// Gets a kernel source tree for `kforge kernel build`: Debian's linux-source-<major.minor> package,
// downloaded and unpacked into kforge's cache without installing it, or a dir or tarball the user has.
import { mkdir, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { basename, join, resolve } from "node:path";
import { EnvironmentError, InterruptedError, UsageError } from "../errors.js";
import { kforgeCacheDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";
import { parseMakefileVersion } from "../kernel/kernel-version.js";
import { run, type RunResult } from "../process/exec.js";

export interface KernelSource {
  dir: string;
  // "6.12.117", from the top Makefile.
  version: string;
  // What it came from, for the report: "linux-source-6.12 (Debian package)", a path.
  origin: string;
}

export interface SourceOptions {
  series?: string;
  source?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

// Pure: "6.12" from "6.12", "6.12.117" or a release such as "6.12.117+deb12-amd64".
export function seriesOf(version: string): string | undefined {
  return /^(\d+\.\d+)(?:[.+-]|$)/.exec(version)?.[1];
}

const NOT_A_KERNEL = "no top-level Makefile with VERSION and PATCHLEVEL, or no Kconfig";
const SOURCE_HINT = "pass --source a directory unpacked from a kernel tarball, or the tarball itself (.tar.xz, .tar.gz)";

// The version of a kernel source tree, or undefined when dir is not one.
async function sourceVersion(dir: string): Promise<string | undefined> {
  const makefile = await readFile(join(dir, "Makefile"), "utf8").catch(() => undefined);
  const version = makefile === undefined ? undefined : parseMakefileVersion(makefile);
  return version && (await isAccessible(join(dir, "Kconfig"))) ? version : undefined;
}

export async function readSourceVersion(dir: string): Promise<string> {
  const version = await sourceVersion(dir);
  if (!version) throw new UsageError(`${dir} is not a kernel source tree (${NOT_A_KERNEL})`, SOURCE_HINT);
  return version;
}

export const sourcesDir = (env?: NodeJS.ProcessEnv): string => join(kforgeCacheDir(env), "sources");

export async function obtainSource(options: SourceOptions): Promise<KernelSource> {
  if (options.source && options.series)
    throw new UsageError(`give either a version (${options.series}) or --source, not both`, "drop one of the two");
  if (options.source) return userSource(resolve(options.source), options);
  if (!options.series)
    throw new UsageError(
      "kforge kernel build needs a version (e.g. 6.12) or --source <dir|tarball>",
      "run kforge kernel build 6.12, or pass --source",
    );
  const series = seriesOf(options.series);
  if (!series) throw new UsageError(`"${options.series}" is not a kernel version`, "give major.minor, e.g. 6.12");
  return debianSource(series, options);
}

async function userSource(path: string, options: SourceOptions): Promise<KernelSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info)
    throw new UsageError(
      `--source ${path}: no such file or directory`,
      "point --source at a kernel source dir or a .tar.xz/.tar.gz tarball",
    );
  if (info.isDirectory()) return { dir: path, version: await readSourceVersion(path), origin: path };
  const dir = join(sourcesDir(options.env), basename(path).replace(/\.tar(\.\w+)?$/, ""));
  if (!(await isAccessible(join(dir, "Makefile")))) await unpackTarball(path, dir, options);
  return { dir, version: await readSourceVersion(dir), origin: path };
}

// apt-get download + dpkg-deb: nothing is installed, the package's tarball is unpacked in the cache.
async function debianSource(series: string, options: SourceOptions): Promise<KernelSource> {
  const name = `linux-source-${series}`;
  const dir = join(sourcesDir(options.env), name);
  const origin = `${name} (Debian package)`;
  if (await isAccessible(join(dir, "Makefile"))) return { dir, version: await readSourceVersion(dir), origin };
  const work = `${dir}.download-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    options.onProgress?.(`apt-get download ${name}`);
    const download = await run("apt-get", ["download", name], { cwd: work, signal: options.signal });
    if (download.notFound)
      throw new EnvironmentError(
        "apt-get is not available to download the kernel source",
        "pass --source <dir|tarball> with a kernel source you have",
      );
    check(
      download,
      `apt-get download ${name}`,
      `check that ${name} exists (apt-cache policy ${name}) after apt-get update, or pass --source <dir|tarball>`,
    );
    const deb = (await readdir(work)).find((file) => file.endsWith(".deb"))!;
    options.onProgress?.(`unpacking ${deb}`);
    check(
      await run("dpkg-deb", ["-x", join(work, deb), join(work, "root")], { signal: options.signal }),
      "dpkg-deb -x",
      "run it by hand to see the whole error",
    );
    const tarball = (await readdir(join(work, "root/usr/src"))).find((file) => file.startsWith(name) && file.includes(".tar"));
    if (!tarball) throw new EnvironmentError(`${deb} has no source tarball under /usr/src`, "pass --source <dir|tarball>");
    await unpackTarball(join(work, "root/usr/src", tarball), dir, options);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  return { dir, version: await readSourceVersion(dir), origin };
}

// Unpacks into a temp dir first, so an interrupted unpack never leaves a half tree that looks complete.
async function unpackTarball(tarball: string, dir: string, options: SourceOptions): Promise<void> {
  options.onProgress?.(`unpacking ${basename(tarball)}`);
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    check(
      await run("tar", ["-xf", tarball, "-C", partial, "--strip-components=1"], { signal: options.signal }),
      `tar -xf ${tarball}`,
      SOURCE_HINT,
    );
    if (!(await sourceVersion(partial))) throw new UsageError(`${tarball} is not a kernel source tarball (${NOT_A_KERNEL})`, SOURCE_HINT);
    await rm(dir, { recursive: true, force: true });
    await rename(partial, dir);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
}

function check(result: RunResult, what: string, hint: string): void {
  if (result.canceled) throw new InterruptedError();
  if (result.failed) {
    const last =
      (result.stderr || result.stdout)
        .trim()
        .split("\n")
        .filter((line) => !line.startsWith("W:"))
        .pop() ?? "no output";
    throw new EnvironmentError(`${what} failed: ${last}`, hint);
  }
}
