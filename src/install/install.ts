// Installs the built modules of a module dir with kbuild's modules_install, compressed like the
// kernel's own modules, then runs depmod so modprobe finds them; uninstall (uninstall.ts) undoes
// exactly that.
import { mkdir, readdir, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { KforgeError, UsageError } from "../errors.js";
import { isAccessible, readOptionalText } from "../fs/files.js";
import type { KernelTarget } from "../kbuild/build-modules.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { run } from "../process/exec.js";
import { compressionFromConfig, compressionFromModulesDep, compressionVariables, type CompressionSuffix } from "./compression.js";
import { describeInstalledFile, findInstallRecord, readInstallRecords, saveInstallRecord } from "./manifest.js";
import { autoloadFiles } from "./autoload.js";
import { builtArtifacts } from "./built-artifacts.js";

export type ModDir = "updates" | "extra";

export interface InstallOptions {
  // The module dir: the install record lives here.
  dir: string;
  // Where the build for this kernel is (default: dir).
  buildDir?: string;
  kernel: KernelTarget;
  // Staging root (INSTALL_MOD_PATH); the live system when undefined.
  destdir?: string;
  modDir: ModDir;
  force?: boolean;
  // Module parameters per module, for modprobe.d; set means write the autoload entries.
  autoload?: Record<string, Record<string, string | number | boolean>>;
  signal?: AbortSignal;
}

export interface InstallResult {
  files: string[];
  compression: CompressionSuffix;
}

export const modulesRoot = (root: string, release: string) => join(root, "lib", "modules", release);

export async function installModules(options: InstallOptions): Promise<InstallResult> {
  const { release, kdir } = options.kernel;
  const root = options.destdir ?? "/";
  // The build for this kernel may live in the kernel's tree rather than the module dir.
  const buildDir = options.buildDir ?? options.dir;
  const artifacts = await builtArtifacts(buildDir, release);
  const compression = await chooseCompression(kdir, release);
  const moduleFiles = artifacts.map((artifact) =>
    join(modulesRoot(root, release), options.modDir, `${relative(buildDir, artifact.path)}${compression}`),
  );
  const extraFiles = options.autoload
    ? autoloadFiles(
        root,
        basename(options.dir),
        artifacts.map((artifact) => artifact.module),
        options.autoload,
      )
    : [];
  const files = [...moduleFiles, ...extraFiles.map((file) => file.path)];
  await refuseForeignFiles(options.dir, release, root, files, options.force);

  const createdFolder = options.destdir ? await firstMissingFolder(join(modulesRoot(root, release), options.modDir)) : undefined;
  const variables = [
    `INSTALL_MOD_DIR=${options.modDir}`,
    ...(options.destdir ? [`INSTALL_MOD_PATH=${options.destdir}`] : []),
    ...compressionVariables(compression),
  ];
  // kforge signs before installing (kforge sign); kbuild's own signing would look for the distro's private key.
  const make = await run("make", ["-C", kdir, `M=${buildDir}`, ...variables, "CONFIG_MODULE_SIG_ALL=", "modules_install"], {
    signal: options.signal,
  });
  if (make.failed)
    throw new KforgeError(`make modules_install failed for ${release}:\n${make.all.trim()}`, {
      hint: "check write access to the install root, or stage with --destdir <root>",
    });
  for (const file of moduleFiles) {
    if (!(await isAccessible(file)))
      throw new KforgeError(`modules_install did not write ${file}`, {
        hint: "the module dir's build may be stale: run kforge build --force",
      });
  }
  for (const file of extraFiles) {
    await mkdir(join(file.path, ".."), { recursive: true });
    await writeFile(file.path, file.text);
  }
  await runDepmod(root, release, options.signal);
  const previous = findInstallRecord(await readInstallRecords(options.dir), release, root);
  const installed = await Promise.all(files.map(describeInstalledFile));
  await saveInstallRecord(options.dir, { release, root, files: installed, createdFolder: previous?.createdFolder ?? createdFolder });
  return { files, compression };
}

async function chooseCompression(kdir: string, release: string): Promise<CompressionSuffix> {
  const fromConfig = compressionFromConfig(await readKernelConfig(kdir));
  if (fromConfig !== undefined) return fromConfig;
  const modulesDep = await readOptionalText(join(modulesRoot("/", release), "modules.dep"));
  return (modulesDep && compressionFromModulesDep(modulesDep)) || "";
}

// A file already at a target path that kforge's manifest does not list belongs to someone else.
async function refuseForeignFiles(dir: string, release: string, root: string, files: string[], force: boolean | undefined): Promise<void> {
  if (force) return;
  const owned = new Set(findInstallRecord(await readInstallRecords(dir), release, root)?.files.map((file) => file.path) ?? []);
  for (const file of files) {
    if (owned.has(file)) continue;
    const existing = await stat(file).catch(() => undefined);
    if (existing)
      throw new UsageError(`${file} exists and was not installed by kforge from ${dir}`, "remove it, or pass --force to replace it");
  }
}

async function firstMissingFolder(folder: string): Promise<string | undefined> {
  if (await isAccessible(folder)) return undefined;
  const parent = dirname(folder);
  return parent === folder ? folder : ((await firstMissingFolder(parent)) ?? folder);
}

// depmod writes modules.dep, modules.alias and friends; anything else belongs to someone.
export async function holdsOnlyDepmodFiles(folder: string): Promise<boolean> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.every((entry) => entry.isDirectory() || /^modules\.[a-z.]+$/.test(entry.name));
}

export async function runDepmod(root: string, release: string, signal: AbortSignal | undefined): Promise<void> {
  const args = root === "/" ? [release] : ["-b", root, release];
  const depmod = await run("depmod", args, { signal });
  if (depmod.failed)
    throw new KforgeError(`depmod ${args.join(" ")} failed:\n${depmod.all.trim()}`, {
      hint: "install kmod (apt-get install kmod), which provides depmod",
    });
}
