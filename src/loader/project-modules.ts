// Which .ko files a load/unload means: the given files, the modules of a given dir's build, or the
// current dir's. A build is what kbuild's modules.order lists; given the kernel, the dir's build for
// that kernel wherever it lives (project/build-location.ts).
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import { isAccessible } from "../fs/files.js";
import { readModulesOrder } from "../kbuild/modules-order.js";
import { builtDir } from "../project/build-location.js";

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function builtModules(moduleDir: string, release: string | undefined): Promise<string[]> {
  const dir = release === undefined ? moduleDir : await builtDir(moduleDir, release);
  const listed = (await readModulesOrder(dir)) ?? [];
  const present: string[] = [];
  for (const path of listed) if (await isAccessible(path)) present.push(path);
  if (!present.length) {
    throw new UsageError(
      `no built modules in ${dir}${listed.length ? ` (modules.order lists ${listed.length}, none exists)` : " (no modules.order)"}`,
      "build first: kforge build, or name the .ko files",
    );
  }
  return present;
}

// Arguments are .ko files or module dirs; none means the current dir.
export async function resolveModuleFiles(targets: readonly string[], cwd: string, release?: string): Promise<string[]> {
  if (!targets.length) return builtModules(cwd, release);
  const files: string[] = [];
  for (const target of targets) {
    const path = resolve(cwd, target);
    if (await isDirectory(path)) files.push(...(await builtModules(path, release)));
    else files.push(path);
  }
  return [...new Set(files)];
}
