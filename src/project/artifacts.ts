// Where a guest run's artifacts come back to. A --artifacts dir is the user's choice on the command
// line, taken as given (relative to where kforge runs). kforge.json travels with the project (a cloned
// repository's kforge.json is not the user's word), so its vm.artifacts must stay inside the module
// dir: kforge then never writes anywhere a project file did not ask the user for.
import { isAbsolute, join, relative, resolve } from "node:path";
import type { KforgeConfig } from "../config/kforge-json.js";
import { UsageError } from "../errors.js";

const DEFAULT_ARTIFACTS = join(".kforge", "vm-out");

export function artifactsRoot(input: { flag?: string; config: KforgeConfig; cwd: string; dir: string }): string {
  if (input.flag !== undefined) return resolve(input.cwd, input.flag);
  const configured = input.config.vm?.artifacts;
  const root = resolve(input.dir, configured ?? DEFAULT_ARTIFACTS);
  const inside = relative(input.dir, root);
  if (inside === ".." || inside.startsWith("../") || isAbsolute(inside))
    throw new UsageError(
      `kforge.json vm.artifacts ${JSON.stringify(configured)} is not a folder inside the module dir ${input.dir}`,
      "give a relative path such as out/vm, or pass --artifacts <dir> on the command line to write elsewhere",
    );
  return root;
}

// The dir of one kernel's artifacts.
export const artifactsDir = (root: string, release: string): string => join(root, release);
