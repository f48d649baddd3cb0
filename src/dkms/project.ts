// What a project looks like to DKMS: its package name and version and the modules its Kbuild builds.
import { readFile, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import type { KforgeConfig } from "../config/kforge-json.js";
import { UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { collectArtifacts } from "../kbuild/artifacts.js";
import { run } from "../process/exec.js";
import { gatesFromConfig } from "../config/gates.js";
import { checkDkmsConf, parseDkmsConf, renderDkmsConf, type DkmsModule } from "./dkms-conf.js";

export const DKMS_CONF = "dkms.conf";

// BUILT_MODULE_NAME is the .ko file name, which may differ from the name modinfo reports (- vs _).
// buildDir holds the build (the module dir, or a kernel's tree that mirrors it file for file).
export async function builtDkmsModules(dir: string, buildDir = dir): Promise<DkmsModule[]> {
  const scan = await collectArtifacts(buildDir);
  if (scan.artifacts.length === 0)
    throw new UsageError(`no built modules in ${dir}, so kforge cannot tell what dkms.conf must list`, "run kforge build first");
  return scan.artifacts.map((artifact) => ({
    name: basename(artifact.path, ".ko"),
    location: relative(buildDir, dirname(artifact.path)) || ".",
  }));
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

export async function initDkmsConf(options: { dir: string; buildDir?: string; config: KforgeConfig; force?: boolean }): Promise<string> {
  const path = join(options.dir, DKMS_CONF);
  if (!options.force && (await isAccessible(path)))
    throw new UsageError(`${path} already exists`, "check it with kforge dkms check, or pass --force to replace it");
  const text = renderDkmsConf({
    name: options.config.package?.name ?? basename(options.dir),
    version: await packageVersion(options.dir, options.config),
    modules: await builtDkmsModules(options.dir, options.buildDir),
    modDir: "updates",
    gates: gatesFromConfig(options.config),
  });
  await writeFile(path, text);
  return path;
}

export async function checkDkmsProject(dir: string, buildDir = dir): Promise<string[]> {
  const path = join(dir, DKMS_CONF);
  if (!(await isAccessible(path))) throw new UsageError(`${path} does not exist`, "create one with kforge dkms init");
  return checkDkmsConf(parseDkmsConf(await readFile(path, "utf8")), await builtDkmsModules(dir, buildDir));
}
