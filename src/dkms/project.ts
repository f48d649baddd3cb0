// What a project looks like to DKMS: its package name and version and the modules its Kbuild builds.
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { KforgeConfig } from "../config/kforge-json.js";
import { readShellValues } from "../config/shell-assignments.js";
import { UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { collectArtifactsBelow } from "../kbuild/artifacts.js";
import { findModulesOrderDirs, MODULES_ORDER } from "../kbuild/modules-order.js";
import { mirrorBuildDir } from "../kbuild/mirror.js";
import { run } from "../process/exec.js";
import { gatesFromConfig } from "../config/gates.js";
import { checkDkmsConf, type DkmsCheckResult } from "./check.js";
import { renderDkmsConf, type DkmsModule } from "./dkms-conf.js";

export const DKMS_CONF = "dkms.conf";
// Projects that generate dkms.conf (configure, a make target, sed at packaging time) ship this template.
export const DKMS_CONF_TEMPLATE = "dkms.conf.in";

export interface BuiltDkmsModules {
  modules: DkmsModule[];
  // The kernel whose tree (.kforge/build/<release>/) holds the build; undefined for a build in place.
  release?: string;
}

// The newest build of the project, in place or in one kernel's tree. BUILT_MODULE_NAME is the .ko
// file name, which may differ from the name modinfo reports (- vs _); locations are relative to the
// build's root, as DKMS's build dir is.
export async function builtDkmsModules(dir: string): Promise<BuiltDkmsModules> {
  const releases = await readdir(join(dir, ".kforge", "build")).catch(() => [] as string[]);
  const candidates = [
    { root: dir, release: undefined as string | undefined },
    ...(await Promise.all(releases.map(async (release) => ({ root: await mirrorBuildDir(dir, release), release })))),
  ];
  let newest: { root: string; release?: string; time: number } | undefined;
  for (const candidate of candidates) {
    const times = await Promise.all(
      (await findModulesOrderDirs(candidate.root)).map((found) => stat(join(found, MODULES_ORDER)).then((info) => info.mtimeMs)),
    );
    if (times.length > 0 && (!newest || Math.max(...times) > newest.time)) newest = { ...candidate, time: Math.max(...times) };
  }
  const scan = newest ? await collectArtifactsBelow(newest.root) : undefined;
  if (!newest || !scan || scan.artifacts.length === 0)
    throw new UsageError(
      `no built modules in ${dir} or its kernels' trees (.kforge/build/<release>/), so kforge cannot tell what dkms.conf must list`,
      "run kforge build first",
    );
  const root = newest.root;
  return {
    modules: scan.artifacts.map((artifact) => ({
      name: basename(artifact.path, ".ko"),
      location: relative(root, dirname(artifact.path)) || ".",
    })),
    ...(newest.release ? { release: newest.release } : {}),
  };
}

async function packageVersion(dir: string, config: KforgeConfig): Promise<string> {
  if (config.package?.version) return config.package.version;
  const described = await run("git", ["describe", "--tags", "--always"], { cwd: dir });
  const version = described.stdout.trim().replace(/^v/, "");
  if (described.failed || version === "")
    throw new UsageError(
      `no package version for ${dir}: kforge.json has no package.version and git describe found nothing`,
      'set {"package": {"version": "1.0"}} in kforge.json, or tag a commit',
    );
  return version;
}

export async function initDkmsConf(options: { dir: string; config: KforgeConfig; force?: boolean }): Promise<string> {
  const path = join(options.dir, DKMS_CONF);
  if (!options.force && (await isAccessible(path)))
    throw new UsageError(`${path} already exists`, "check it with kforge dkms check, or pass --force to replace it");
  const text = renderDkmsConf({
    name: options.config.package?.name ?? basename(options.dir),
    version: await packageVersion(options.dir, options.config),
    modules: (await builtDkmsModules(options.dir)).modules,
    modDir: "updates",
    gates: gatesFromConfig(options.config),
  });
  await writeFile(path, text);
  return path;
}

export interface DkmsProjectCheck extends DkmsCheckResult {
  // The file checked: dkms.conf, or the template the project generates it from when there is no dkms.conf.
  file: string;
  template: boolean;
  built: BuiltDkmsModules;
}

export async function checkDkmsProject(dir: string): Promise<DkmsProjectCheck> {
  const path = join(dir, DKMS_CONF);
  const template = join(dir, DKMS_CONF_TEMPLATE);
  const file = (await isAccessible(path)) ? path : (await isAccessible(template)) ? template : undefined;
  if (!file) throw new UsageError(`${path} does not exist`, "create one with kforge dkms init");
  const built = await builtDkmsModules(dir);
  const result = checkDkmsConf({ values: readShellValues(await readFile(file, "utf8")), built: built.modules, kernelver: built.release });
  return { ...result, file, template: file === template, built };
}
