// What watch knows of a module it built: its name, what it depends on and the hash of its .ko,
// which decide what a new build reloads (reload-plan.ts).
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { allValues, firstValue, openModuleFile } from "../module/modinfo.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import type { BuiltModule } from "./reload-plan.js";

export async function describeBuilt(path: string): Promise<BuiltModule & { path: string }> {
  const { modinfo } = await openModuleFile(path);
  const depends = allValues(modinfo, "depends")
    .flatMap((value) => value.split(","))
    .filter(Boolean)
    .map((name) => name.replaceAll("-", "_"));
  const name = (firstValue(modinfo, "name") ?? moduleNameFromPath(path)).replaceAll("-", "_");
  return {
    name,
    path,
    depends,
    hash: createHash("sha256")
      .update(await readFile(path))
      .digest("hex"),
  };
}
