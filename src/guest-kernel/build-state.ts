// What is on disk for a kforge-built release: whether it is complete and current (so a rerun is a
// no-op that runs no make), and how many objects a build of it has. The tree is complete once
// boot/vmlinuz-<release> is registered and no build is marked as under way.
import { readdir, readlink, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isAccessible, readOptionalText } from "../fs/files.js";
import { missingOptions } from "./guest-config.js";

export interface ReleaseLayout {
  release: string;
  dir: string;
  kdir: string;
  image: string;
  config: string;
  systemMap: string;
  modulesDir: string;
  fragment: string;
}

export function releaseLayout(dir: string, release: string): ReleaseLayout {
  const boot = join(dir, "boot");
  return {
    release,
    dir,
    kdir: join(dir, "build"),
    image: join(boot, `vmlinuz-${release}`),
    config: join(boot, `config-${release}`),
    systemMap: join(boot, `System.map-${release}`),
    modulesDir: join(dir, "lib", "modules", release),
    fragment: join(dir, "build", "kforge.config"),
  };
}

// Written before kforge changes the tree, removed once the release is registered again.
const incompleteMarker = (layout: ReleaseLayout) => join(layout.kdir, ".kforge-incomplete");

export const markIncomplete = (layout: ReleaseLayout) => writeFile(incompleteMarker(layout), `${process.pid}\n`);
export const markComplete = (layout: ReleaseLayout) => rm(incompleteMarker(layout), { force: true });

// Registered and not being rebuilt: what --debug may boot.
export async function isRegistered(layout: ReleaseLayout): Promise<boolean> {
  return (await isAccessible(layout.image)) && !(await isAccessible(incompleteMarker(layout)));
}

// The source tree an O= build dir was made from (kbuild links it as build/source).
export async function builtFromSource(layout: ReleaseLayout): Promise<string | undefined> {
  return readlink(join(layout.kdir, "source")).catch(() => undefined);
}

// Why the registered release is not current, or undefined when a rerun has nothing to do.
export async function staleReason(layout: ReleaseLayout, fragment: string, sourceDir: string): Promise<string | undefined> {
  if (!(await isAccessible(layout.kdir))) return "not built yet";
  if (await isAccessible(incompleteMarker(layout))) return "the last build did not finish";
  // Current when its .config has every option asked for (kforge's own list may shrink over time).
  const config = await readOptionalText(join(layout.kdir, ".config"));
  if (config === undefined || missingOptions(fragment, config).length > 0) return "the configuration changed";
  if ((await builtFromSource(layout)) !== sourceDir) return "the source tree changed";
  for (const path of [layout.image, join(layout.modulesDir, "modules.dep"), join(layout.kdir, "Module.symvers")]) {
    if (!(await isAccessible(path))) return `${path} is missing`;
  }
  return undefined;
}

// Objects a build dir holds: kbuild writes .<object>.o.cmd once an object is built.
export async function countBuiltObjects(kdir: string): Promise<number> {
  const entries = await readdir(kdir, { recursive: true }).catch(() => [] as string[]);
  return entries.filter((entry) => /(^|\/)\.[^/]+\.o\.cmd$/.test(entry)).length;
}
