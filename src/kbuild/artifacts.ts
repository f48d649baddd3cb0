// The .ko files a build produced, found through modules.order (never guessed from file names).
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import { firstValue, ModuleFileError, openModuleFile } from "../module/modinfo.js";
import { MODULES_ORDER, readModulesOrder } from "./modules-order.js";
import type { Diagnostic } from "./parse-output.js";

export interface Artifact {
  // Module name as the kernel knows it (.modinfo "name", else the file name with - as _).
  module: string;
  path: string;
  size: number;
  vermagic: string | null;
}

export interface ArtifactScan {
  artifacts: Artifact[];
  // What is missing or unreadable, as error diagnostics.
  problems: Diagnostic[];
}

export async function collectArtifacts(dir: string): Promise<ArtifactScan> {
  const paths = await readModulesOrder(dir);
  if (paths === undefined) {
    return { artifacts: [], problems: [problem(`make succeeded but wrote no ${MODULES_ORDER}: the Kbuild/Makefile declares no obj-m module`, MODULES_ORDER)] };
  }
  if (paths.length === 0) {
    return { artifacts: [], problems: [problem(`${MODULES_ORDER} is empty: the Kbuild/Makefile declares no obj-m module`, MODULES_ORDER)] };
  }
  const artifacts: Artifact[] = [];
  const problems: Diagnostic[] = [];
  for (const path of paths) {
    const found = await describeArtifact(path);
    if (typeof found === "string") problems.push(problem(found, basename(path)));
    else artifacts.push(found);
  }
  return { artifacts, problems };
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
    if (error instanceof ModuleFileError) return error.message;
    throw error;
  }
}

function problem(message: string, file: string): Diagnostic {
  return { severity: "error", file, line: null, column: null, message, flag: null, origin: "make" };
}
