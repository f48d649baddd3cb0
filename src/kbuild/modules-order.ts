// modules.order: kbuild's list of every module one build produced, one per line. Its form changed
// over time: "/abs/dir/hello.ko" (6.1), "/abs/dir/hello.o" (6.12), "kernel/dir/hello.ko" or
// "hello.ko" relative to the module dir (older kernels).
import { readOptionalText } from "../fs/files.js";
import { readdir } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

export const MODULES_ORDER = "modules.order";

// Pure: absolute .ko paths in build order, without duplicates.
export function parseModulesOrder(text: string, dir: string): string[] {
  const paths: string[] = [];
  for (const raw of text.split("\n")) {
    const entry = raw.trim();
    if (!entry || entry.startsWith("#")) continue;
    const withoutPrefix = entry.replace(/^kernel\//, "");
    const absolute = isAbsolute(withoutPrefix) ? withoutPrefix : join(dir, withoutPrefix);
    const module = absolute.replace(/\.(?:o|ko)$/, ".ko");
    if (!paths.includes(module)) paths.push(module);
  }
  return paths;
}

// The .ko paths the last build in dir listed, or undefined when there is no modules.order.
export async function readModulesOrder(dir: string): Promise<string[] | undefined> {
  const text = await readOptionalText(join(dir, MODULES_ORDER));
  return text === undefined ? undefined : parseModulesOrder(text, dir);
}

// Folders under dir where the last build left a modules.order: dir itself when it has one, else the
// shallowest ones below it (a project whose Makefile runs kbuild in src/ leaves it in src/). Folders
// starting with a dot (.kforge, .git) are not searched.
export async function findModulesOrderDirs(dir: string, depth = 3): Promise<string[]> {
  if ((await readOptionalText(join(dir, MODULES_ORDER))) !== undefined) return [dir];
  if (depth === 0) return [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const below = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith(".") && entry.name !== "node_modules")
      .sort((left, right) => left.name.localeCompare(right.name))
      .map((entry) => findModulesOrderDirs(join(dir, entry.name), depth - 1)),
  );
  return below.flat();
}
