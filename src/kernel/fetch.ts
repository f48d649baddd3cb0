// `kforge kernel fetch`: a distro kernel image and its modules unpacked into kforge's cache, without
// installing anything system-wide (no postinst, no initramfs generation, no bootloader change). A kernel
// of another architecture also gets its headers, made buildable from this machine, and a static busybox.
import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { fetchedKernelDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";
import { run } from "../process/exec.js";
import {
  ARCHITECTURES,
  foreignArchitectureOf,
  hostArchitecture,
  knownFlavours,
  releaseArchitecture,
  type Architecture,
} from "./architecture.js";
import { aptDepends, aptDownload, checked, lastLine, unpackDeb } from "./debian/apt.js";
import { downloadForeignPackages, type KbuildChoice } from "./debian/foreign-packages.js";
import { makeTreeBuildable, readKbuildDirName } from "./debian/headers-tree.js";
import { foreignHelper, readHelperMachines } from "./kbuild-helpers.js";
import { parseDepends, parsePackageName, releaseFromDepends } from "./debian/packages.js";
import { distroFamily, readOsRelease } from "./os-release.js";
import { releaseNameProblem } from "./release-name.js";

export interface FetchKernelOptions {
  // A release (6.1.0-57-arm64) or a Debian meta package naming one (linux-headers-arm64).
  release: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  force?: boolean;
  onProgress?: (message: string) => void;
  // Where to read the distribution from (default /etc/os-release).
  osReleasePath?: string;
}

export interface FetchedKernel {
  release: string;
  // The kernel's architecture (x86_64, arm64, arm).
  arch: string;
  dir: string;
  image: string;
  modulesDir: string;
  // For a kernel of another architecture: its build tree, static busybox and where its kbuild helpers came from.
  buildDir?: string;
  busybox?: string;
  kbuild?: KbuildChoice;
  packages: string[];
  alreadyCached: boolean;
}

// What a fetch of another architecture's kernel leaves in its dir, written last: its presence means complete.
export const FETCH_MANIFEST = "kforge-fetch.json";

function manualSteps(release: string, dir: string): string {
  return (
    `copy the kernel image to ${join(dir, "boot", `vmlinuz-${release}`)} and its modules ` +
    `to ${join(dir, "lib", "modules", release)}, then run depmod -b ${dir} ${release}; or pass --vm-kernel <vmlinuz>`
  );
}

export async function fetchKernel(options: FetchKernelOptions): Promise<FetchedKernel> {
  const release = await resolveRelease(options.release, options);
  const foreign = foreignArchitectureOf(release);
  const dir = fetchedKernelDir(release, options.env);
  const result = (packages: string[], alreadyCached: boolean, kbuild?: KbuildChoice): FetchedKernel => ({
    release,
    arch: (foreign ?? hostArchitecture())?.name ?? process.arch,
    dir,
    image: join(dir, "boot", `vmlinuz-${release}`),
    modulesDir: join(dir, "lib", "modules", release),
    ...(foreign ? { buildDir: join(dir, "build"), busybox: join(dir, "bin", "busybox"), kbuild } : {}),
    packages,
    alreadyCached,
  });
  if (!options.force && (await isComplete(dir, release, foreign)))
    return result([], true, foreign ? await readManifestKbuild(dir) : undefined);
  const os = await readOsRelease(options.osReleasePath);
  if (distroFamily(os) !== "debian") {
    throw new EnvironmentError(
      `kforge kernel fetch knows only Debian and Ubuntu packages; this is ${os.prettyName}`,
      manualSteps(release, dir),
    );
  }
  const work = `${dir}.partial-${process.pid}`;
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  try {
    const root = join(work, "root");
    const fetched = foreign ? await fetchForeign(release, foreign, work, root, options) : await fetchImage(release, work, root, options);
    options.onProgress?.("running depmod");
    checked(await run("depmod", ["-b", root, release], { signal: options.signal }), "depmod -b");
    if (foreign) await writeFile(join(root, FETCH_MANIFEST), `${JSON.stringify({ release, arch: foreign.name, ...fetched }, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(root, dir);
    return result(fetched.packages, false, fetched.kbuild);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// A meta package name becomes the release it depends on now; a release of a port kforge does not build for is refused.
// The release is checked before it becomes a path, also when apt named it.
async function resolveRelease(name: string, options: FetchKernelOptions): Promise<string> {
  const parsed = name.length <= 80 ? parsePackageName(name) : undefined;
  const release = parsed?.release ?? (parsed ? await releaseOfMetaPackage(name, parsed, options) : name);
  const problem = releaseNameProblem(release);
  if (problem) throw new UsageError(problem, "use a release like 6.1.0-56-amd64");
  const found = releaseArchitecture(release);
  if (found.kind === "unsupported") {
    throw new UsageError(
      `kernel ${release} is for Debian's ${found.debian} port, and kforge fetches and builds for ` +
        `${ARCHITECTURES.map((architecture) => architecture.debian).join(", ")} kernels only`,
      `releases kforge fetches end in ${knownFlavours()}; ` +
        "for another architecture, pass your own build tree with --kdir and --cross-compile",
    );
  }
  return release;
}

async function releaseOfMetaPackage(name: string, parsed: NonNullable<ReturnType<typeof parsePackageName>>, options: FetchKernelOptions) {
  const qualified = parsed.debianArch ? `${name}:${parsed.debianArch}` : name;
  const depends = await aptDepends(qualified, options);
  const release = depends === undefined ? undefined : releaseFromDepends(parsed.kind, parseDepends(depends));
  if (release) return release;
  throw new EnvironmentError(
    `apt knows no package ${qualified} that names a kernel release`,
    `check the name (apt-cache search --names-only '^linux-${parsed.kind}-'), or name a release such as 6.1.0-57-arm64` +
      (parsed.debianArch ? `; apt needs the architecture once: dpkg --add-architecture ${parsed.debianArch} && apt-get update` : ""),
  );
}

async function isComplete(dir: string, release: string, foreign: Architecture | undefined): Promise<boolean> {
  const image =
    (await isAccessible(join(dir, "boot", `vmlinuz-${release}`))) &&
    (await isAccessible(join(dir, "lib", "modules", release, "modules.dep")));
  if (!image || !foreign) return image;
  // The helpers link points at this machine's linux-kbuild, which an upgrade can remove.
  return (await isAccessible(join(dir, FETCH_MANIFEST))) && (await isAccessible(join(dir, "build", "scripts", "basic", "fixdep")));
}

async function readManifestKbuild(dir: string): Promise<KbuildChoice | undefined> {
  return (JSON.parse(await readFile(join(dir, FETCH_MANIFEST), "utf8")) as { kbuild?: KbuildChoice }).kbuild;
}

interface Unpacked {
  packages: string[];
  kbuild?: KbuildChoice;
}

// Debian ships image and modules in linux-image-<release>; Ubuntu splits the modules into
// linux-modules-<release>, which is fetched when it exists.
async function fetchImage(release: string, work: string, root: string, options: FetchKernelOptions): Promise<Unpacked> {
  for (const name of [`linux-image-${release}`, `linux-modules-${release}`]) {
    const download = await aptDownload([name], work, options);
    if (download.notFound)
      throw new EnvironmentError("apt-get is not available", manualSteps(release, fetchedKernelDir(release, options.env)));
    if (download.failed && name.startsWith("linux-image-")) {
      throw new EnvironmentError(
        `apt-get download ${name} failed: ${lastLine(download.stderr)}`,
        `check the release name (apt-cache search linux-image-${release.split("-")[0]}; kforge fetches ${knownFlavours()}), ` +
          `run apt-get update, or ${manualSteps(release, fetchedKernelDir(release, options.env))}`,
      );
    }
  }
  const packages = (await readdir(work)).filter((file) => file.endsWith(".deb")).sort();
  for (const file of packages) await unpackDeb(join(work, file), root, options);
  return { packages };
}

async function fetchForeign(
  release: string,
  architecture: Architecture,
  work: string,
  root: string,
  options: FetchKernelOptions,
): Promise<Unpacked> {
  const downloaded = await downloadForeignPackages(release, architecture, work, options);
  // The packages share no file, and each dpkg-deb spends its time in xz: both cores unpack at once.
  await Promise.all(downloaded.debs.map((deb) => unpackDeb(deb, root, options)));
  const kbuildDirName = (await readKbuildDirName(root, release)) ?? downloaded.kbuild.package;
  const build = await makeTreeBuildable({ root, release, kbuildDirName, hostKbuild: downloaded.kbuild.hostDir });
  const helpers = await readHelperMachines(build);
  const problem = helpers.length === 0 ? `${build} has no kbuild helpers (scripts/basic/fixdep)` : foreignHelper(helpers);
  if (problem)
    throw new EnvironmentError(`the fetched tree cannot build here: ${problem}`, "report this with the output of kforge kernel fetch");
  return { packages: downloaded.debs.map((deb) => deb.slice(work.length + 1)), kbuild: downloaded.kbuild };
}
