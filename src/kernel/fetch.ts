// `kforge kernel fetch`: a distro kernel image and its modules unpacked into kforge's cache, without
// installing anything system-wide (no postinst, no initramfs generation, no bootloader change).
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError, InterruptedError, UsageError } from "../errors.js";
import { releaseNameProblem } from "./release-name.js";
import { distroFamily, readOsRelease } from "./os-release.js";
import { run } from "../process/exec.js";
import { fetchedKernelDir } from "../fs/cache-dir.js";
import { isAccessible } from "../fs/files.js";

export interface FetchKernelOptions {
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
  dir: string;
  image: string;
  modulesDir: string;
  packages: string[];
  alreadyCached: boolean;
}

function manualSteps(release: string, dir: string): string {
  return `copy the kernel image to ${join(dir, "boot", `vmlinuz-${release}`)} and its modules to ${join(dir, "lib", "modules", release)}, then run depmod -b ${dir} ${release}; or pass --vm-kernel <vmlinuz>`;
}

export async function fetchKernel(options: FetchKernelOptions): Promise<FetchedKernel> {
  const { release } = options;
  const problem = releaseNameProblem(release);
  if (problem) throw new UsageError(problem, "use a release like 6.1.0-56-amd64");
  const dir = fetchedKernelDir(release, options.env);
  const result = (packages: string[], alreadyCached: boolean): FetchedKernel => ({
    release,
    dir,
    image: join(dir, "boot", `vmlinuz-${release}`),
    modulesDir: join(dir, "lib", "modules", release),
    packages,
    alreadyCached,
  });
  if (!options.force && (await isComplete(dir, release))) return result([], true);
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
    const packages = await downloadPackages(release, work, options);
    for (const file of packages) {
      options.onProgress?.(`unpacking ${file}`);
      await check(await run("dpkg-deb", ["-x", join(work, file), join(work, "root")], { signal: options.signal }), "dpkg-deb -x");
    }
    options.onProgress?.("running depmod");
    await check(await run("depmod", ["-b", join(work, "root"), release], { signal: options.signal }), "depmod -b");
    await rm(dir, { recursive: true, force: true });
    await rename(join(work, "root"), dir);
    return result(packages, false);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

async function isComplete(dir: string, release: string): Promise<boolean> {
  return (
    (await isAccessible(join(dir, "boot", `vmlinuz-${release}`))) &&
    (await isAccessible(join(dir, "lib", "modules", release, "modules.dep")))
  );
}

// Debian ships image and modules in linux-image-<release>; Ubuntu splits the modules into
// linux-modules-<release>, which is fetched when it exists.
async function downloadPackages(release: string, work: string, options: FetchKernelOptions): Promise<string[]> {
  for (const name of [`linux-image-${release}`, `linux-modules-${release}`]) {
    options.onProgress?.(`apt-get download ${name}`);
    const download = await run("apt-get", ["download", name], { cwd: work, signal: options.signal });
    if (download.canceled) throw new InterruptedError();
    if (download.notFound)
      throw new EnvironmentError("apt-get is not available", manualSteps(release, fetchedKernelDir(release, options.env)));
    if (download.failed && name.startsWith("linux-image-")) {
      throw new EnvironmentError(
        `apt-get download ${name} failed: ${lastLine(download.stderr)}`,
        `check the release name (apt-cache search linux-image-${release.split("-")[0]}), run apt-get update, or ${manualSteps(release, fetchedKernelDir(release, options.env))}`,
      );
    }
  }
  return (await readdir(work)).filter((file) => file.endsWith(".deb")).sort();
}

async function check(result: Awaited<ReturnType<typeof run>>, what: string): Promise<void> {
  if (result.canceled) throw new InterruptedError();
  if (result.failed)
    throw new EnvironmentError(
      `${what} failed: ${lastLine(result.stderr || result.stdout)}`,
      "run the command by hand to see the whole error",
    );
}

const lastLine = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter((line) => !line.startsWith("W:"))
    .pop() ?? "no output";
