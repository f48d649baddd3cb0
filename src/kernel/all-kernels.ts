// What `--kernel all` stands for: every build tree found, but those of another architecture than this
// machine's only when asked (`--arch all`, or a list of architectures), since a user may not want an
// arm64 build in every run just because an arm64 kernel was fetched once.
import { UsageError } from "../errors.js";
import { architectureNamed, archMatches, ARCHITECTURES, hostArchitecture, type Architecture } from "./architecture.js";
import type { BuildTree } from "./build-tree.js";
import { readTreeArch } from "./tree-arch.js";

// undefined: this machine's architecture only; "all": every tree; else the kernel names of the architectures asked for.
export type ArchRequest = undefined | "all" | readonly string[];

export interface ArchTree extends BuildTree {
  // The tree's configured architecture; undefined when its config cannot be read (counted as this machine's).
  arch: string | undefined;
}

// Pure: `--arch all`, `--arch arm64,armhf` (or repeated) into a request; an unknown name is a usage error.
export function parseArchRequest(values: string | readonly string[] | undefined): ArchRequest {
  if (values === undefined) return undefined;
  const names = [values]
    .flat()
    .flatMap((value) => value.split(","))
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.length === 0) return undefined;
  if (names.includes("all")) return "all";
  return names.map((name) => {
    const architecture = architectureNamed(name);
    if (!architecture) {
      throw new UsageError(
        `--arch ${name}: kforge builds for ${ARCHITECTURES.map((known) => `${known.name} (${known.debian})`).join(", ")}`,
        "name one of those, a list of them (--arch arm64,armhf), or all",
      );
    }
    return architecture.name;
  });
}

// Pure: the trees `all` means for a request.
export function treesForAll<Tree extends ArchTree>(
  trees: readonly Tree[],
  request: ArchRequest,
  host: Architecture | undefined = hostArchitecture(),
): Tree[] {
  if (request === "all") return [...trees];
  const wanted = request ?? (host ? [host.name] : []);
  return trees.filter((tree) => {
    const arch = tree.arch ?? host?.name;
    return arch === undefined || wanted.some((name) => archMatches(name, arch));
  });
}

export async function withArchitectures(trees: readonly BuildTree[]): Promise<ArchTree[]> {
  return Promise.all(
    trees.map(async (tree) => {
      return { ...tree, arch: (await readTreeArch(tree.kdir)).arch };
    }),
  );
}
