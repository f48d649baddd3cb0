// The .ko files a build produced, found through modules.order (never guessed from file names).
import { copyFile, mkdir, rm, stat } from "node:fs/promises";
import { basename, isAbsolute, join, relative } from "node:path";
import { firstValue, ModuleFileError, openModuleFile } from "../module/modinfo.js";
import { findModulesOrderDirs, MODULES_ORDER, readModulesOrder } from "./modules-order.js";
import type { Diagnostic } from "./parse-output.js";

export interface Artifact {
  // Module name as the kernel knows it (.modinfo "name", else the file name with - as _).
  module: string;
  path: string;
  size: number;
  vermagic: string | null;
  // Where make left it, when path is a copy (copyArtifacts): its .mod, which lists its objects, is there.
  builtAt?: string;
}

export interface ArtifactScan {
  artifacts: Artifact[];
  // What is missing or unreadable, as error diagnostics.
  problems: Diagnostic[];
}

const DECLARE_MODULE = "add a line like `obj-m += hello.o` to the Kbuild/Makefile";
const REBUILD = "run kforge build --force (or kforge clean) to rebuild it";

export async function collectArtifacts(dir: string): Promise<ArtifactScan> {
  const paths = await readModulesOrder(dir);
  if (paths === undefined) {
    return {
      artifacts: [],
      problems: [
        problem(
          `make succeeded but wrote no ${MODULES_ORDER}: the Kbuild/Makefile declares no obj-m module`,
          MODULES_ORDER,
          DECLARE_MODULE,
        ),
      ],
    };
  }
  if (paths.length === 0) {
    return {
      artifacts: [],
      problems: [problem(`${MODULES_ORDER} is empty: the Kbuild/Makefile declares no obj-m module`, MODULES_ORDER, DECLARE_MODULE)],
    };
  }
  const artifacts: Artifact[] = [];
  const problems: Diagnostic[] = [];
  for (const path of paths) {
    const found = await describeArtifact(path);
    if (typeof found === "string") problems.push(problem(found, basename(path), REBUILD));
    else artifacts.push(found);
  }
  return { artifacts, problems };
}

// The modules of a build that may have run kbuild in a subfolder (a project's own make wrapper): those of
// every modules.order findModulesOrderDirs finds, or collectArtifacts' problem when there is none.
export async function collectArtifactsBelow(dir: string): Promise<ArtifactScan> {
  const dirs = await findModulesOrderDirs(dir);
  if (dirs.length === 0) return collectArtifacts(dir);
  const scans = await Promise.all(dirs.map(collectArtifacts));
  return { artifacts: scans.flatMap((scan) => scan.artifacts), problems: scans.flatMap((scan) => scan.problems) };
}

async function describeArtifact(path: string): Promise<Artifact | string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch {
    return `make exited 0 but ${basename(path)}, listed in ${MODULES_ORDER}, was not built`;
  }
  try {
    const { modinfo } = await openModuleFile(path);
    const module = firstValue(modinfo, "name") ?? basename(path, ".ko").replaceAll("-", "_");
    return { module, path, size, vermagic: firstValue(modinfo, "vermagic")?.trim() ?? null };
  } catch (error) {
    // make thinks a damaged .ko is up to date, so only a forced rebuild or a clean replaces it.
    if (error instanceof ModuleFileError) return `${basename(path)} is damaged: ${error.message.replace(`${path}: `, "")}`;
    throw error;
  }
}

// Removes the .ko files the previous build listed, so kbuild relinks them: make judges a .ko by its
// date only and keeps a damaged one forever. Only .ko files inside dir, never sources.
export async function removeListedModules(dir: string): Promise<string[]> {
  const listed = (await readModulesOrder(dir)) ?? [];
  const removable = listed.filter((path) => path.endsWith(".ko") && isInside(dir, path));
  await Promise.all(removable.map((path) => rm(path, { force: true })));
  return removable;
}

// Copies of the built modules in `folder`, made while the make lock is still held: another kforge's
// build that starts right after (kforge build --force removes each .ko and relinks it) cannot take
// them away from a caller that loads them later (watch).
export async function copyArtifacts(artifacts: readonly Artifact[], folder: string): Promise<Artifact[]> {
  await mkdir(folder, { recursive: true });
  return Promise.all(
    artifacts.map(async (artifact) => {
      const copy = join(folder, basename(artifact.path));
      await copyFile(artifact.path, copy);
      return { ...artifact, path: copy, builtAt: artifact.path };
    }),
  );
}

function isInside(dir: string, path: string): boolean {
  const inside = relative(dir, path);
  return inside !== "" && !inside.startsWith("..") && !isAbsolute(inside);
}

function problem(message: string, file: string, hint: string): Diagnostic {
  return { severity: "error", file, line: null, column: null, message, flag: null, hint, origin: "kforge" };
}
