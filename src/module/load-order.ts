// Load order of a project's own modules from their modinfo `depends=` lists: providers first.
import { KforgeError, UsageError } from "../errors.js";

export interface OrderedModules<T> {
  order: T[];
  // Dependency names that are not among the given modules (in-tree modules), each once.
  external: string[];
}

const normalize = (name: string) => name.replaceAll("-", "_");

// Depth-first topological sort; modules without a relation keep their given order.
export function orderModules<T extends { name: string; depends: string[] }>(modules: T[]): OrderedModules<T> {
  const byName = new Map(modules.map((module) => [normalize(module.name), module]));
  const order: T[] = [];
  const external: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (module: T, path: string[]) => {
    const name = normalize(module.name);
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...path.slice(path.indexOf(name)), name];
      throw new KforgeError(`the modules depend on each other in a cycle: ${cycle.join(" -> ")}`, {
        hint: "the kernel cannot load modules that need each other's symbols; move the shared code into one module",
      });
    }
    state.set(name, "visiting");
    for (const dependency of module.depends.filter(Boolean)) {
      const provider = byName.get(normalize(dependency));
      if (provider) visit(provider, [...path, name]);
      else if (!external.includes(normalize(dependency))) external.push(normalize(dependency));
    }
    state.set(name, "done");
    order.push(module);
  };
  for (const module of modules) visit(module, []);
  return { order, external };
}

// The requested modules plus every project module they need, directly or through another, in load
// order. An unknown name is a usage error that lists what the project builds.
export function selectModules<T extends { name: string; depends: string[] }>(
  modules: T[],
  requested: string[],
  optionName = "--module",
): OrderedModules<T> {
  const byName = new Map(modules.map((module) => [normalize(module.name), module]));
  const unknown = requested.filter((name) => !byName.has(normalize(name)));
  if (unknown.length > 0) {
    const known = modules.map((module) => module.name).join(", ") || "none";
    throw new UsageError(`${optionName} ${unknown.join(", ")}: the project builds no such module`, `the project builds: ${known}`);
  }
  const wanted = new Set<string>();
  const include = (name: string) => {
    if (wanted.has(name)) return;
    wanted.add(name);
    for (const dependency of byName.get(name)?.depends ?? []) if (byName.has(normalize(dependency))) include(normalize(dependency));
  };
  for (const name of requested) include(normalize(name));
  return orderModules(modules.filter((module) => wanted.has(normalize(module.name))));
}
