// Pure: which modules a new build must reload. A module whose .ko changed is reloaded, and so is
// every module that depends on it, directly or through another: their symbol references would
// otherwise point at the old copy (and the kernel refuses to unload a provider still in use).
export interface BuiltModule {
  name: string;
  depends: string[];
  // sha256 of the .ko.
  hash: string;
}

export function modulesToReload(built: readonly BuiltModule[], loadedHashes: ReadonlyMap<string, string>, force = false): Set<string> {
  const reload = new Set(built.filter((module) => force || loadedHashes.get(module.name) !== module.hash).map((module) => module.name));
  let grew = true;
  while (grew) {
    grew = false;
    for (const module of built) {
      if (!reload.has(module.name) && module.depends.some((dependency) => reload.has(dependency))) {
        reload.add(module.name);
        grew = true;
      }
    }
  }
  return reload;
}
