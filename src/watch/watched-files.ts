// Pure: which paths under the module dir a change of should rebuild. Kbuild's own output never
// matches, so a build cannot trigger another; nor do editor swap and backup files.
import { basename } from "node:path";

const SOURCE = /\.(c|h|S)$/;
const BUILD_FILES = new Set(["Kbuild", "Makefile", "kforge.json"]);
// Directories never entered: kforge's state, version control, dependencies.
const SKIPPED_DIRECTORIES = new Set([".kforge", ".git", "node_modules", ".tmp_versions"]);
const ARTIFACT = /(\.o|\.ko|\.mod|\.mod\.c|\.mod\.o|\.cmd|\.symvers|\.order|\.d)$|^\.tmp_|^\.(.*)\.cmd$/;

// `relative` is relative to the module dir; `extraFiles` are the test scripts vm.test runs.
export function isWatchedFile(relative: string, extraFiles: readonly string[] = []): boolean {
  const name = basename(relative);
  if (isSkippedDirectory(relative) || isKbuildOutput(relative)) return false;
  return SOURCE.test(name) || BUILD_FILES.has(name) || extraFiles.includes(relative);
}

export function isKbuildOutput(relative: string): boolean {
  const name = basename(relative);
  return ARTIFACT.test(name) || name === "Module.symvers" || name === "modules.order";
}

export function isSkippedDirectory(relative: string): boolean {
  return relative.split("/").some((part) => SKIPPED_DIRECTORIES.has(part));
}
