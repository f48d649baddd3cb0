// What a project looks like to DKMS: its package name and version and the modules its Kbuild builds.
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { KforgeConfig } from "../config/kforge-json.js";
import { readShellValues } from "../config/shell-assignments.js";
import { UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { collectArtifactsBelow } from "../kbuild/artifacts.js";
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

// Where a build of the project is (project/build-location.ts findAnyBuild): the module dir, or a
// kernel's tree that mirrors it file for file.
export interface ProjectBuild {
  dir: string;
  release?: string;
}

// BUILT_MODULE_NAME is the .ko file name, which may differ from the name modinfo reports (- vs _);
// locations are relative to the build's root, as DKMS's build dir is. A build that ran kbuild in
// subfolders (a Makefile's make -C src) counts all of them.
export async function builtDkmsModules(dir: string, build: ProjectBuild = { dir }): Promise<BuiltDkmsModules> {
  const scan = await collectArtifactsBelow(build.dir);
  if (scan.artifacts.length === 0)
    throw new UsageError(
      `no built modules in ${dir} or its kernels' trees (.kforge/build/<release>/), so kforge cannot tell what dkms.conf must list`,
      "run kforge build first",
    );
  return {
    modules: scan.artifacts.map((artifact) => ({
      name: basename(artifact.path, ".ko"),
      location: relative(build.dir, dirname(artifact.path)) || ".",
    })),
    ...(build.release ? { release: build.release } : {}),
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

export async function initDkmsConf(options: { dir: string; build?: ProjectBuild; config: KforgeConfig; force?: boolean }): Promise<string> {
  const path = join(options.dir, DKMS_CONF);
  if (!options.force && (await isAccessible(path)))
    throw new UsageError(`${path} already exists`, "check it with kforge dkms check, or pass --force to replace it");
  const text = renderDkmsConf({
    name: options.config.package?.name ?? basename(options.dir),
    version: await packageVersion(options.dir, options.config),
    modules: (await builtDkmsModules(options.dir, options.build)).modules,
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

export async function checkDkmsProject(dir: string, build: ProjectBuild = { dir }): Promise<DkmsProjectCheck> {
  const path = join(dir, DKMS_CONF);
  const template = join(dir, DKMS_CONF_TEMPLATE);
  const file = (await isAccessible(path)) ? path : (await isAccessible(template)) ? template : undefined;
  if (!file) throw new UsageError(`${path} does not exist`, "create one with kforge dkms init");
  const built = await builtDkmsModules(dir, build);
  const result = checkDkmsConf({ values: readShellValues(await readFile(file, "utf8")), built: built.modules, kernelver: built.release });
  return { ...result, file, template: file === template, built };
}
