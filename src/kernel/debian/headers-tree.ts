// Makes an unpacked Debian headers package a build tree kforge (and plain make) can use from its cache:
// Debian's trees name each other and their kbuild helpers by absolute /usr paths, which inside the cache
// would point at this machine's own packages, or at nothing.
import { lstat, mkdir, readFile, readlink, rm, symlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

// Pure: `include /usr/src/linux-headers-6.1.0-57-common/Makefile` -> the same tree found next to this one,
// wherever the cache is. undefined when the Makefile has no such line.
export function rewriteHeadersMakefile(text: string): string | undefined {
  const pattern = /^include \/usr\/src\/(linux-headers-[^/\s]+)\/Makefile$/m;
  if (!pattern.test(text)) return undefined;
  return text.replace(pattern, "include $(dir $(realpath $(lastword $(MAKEFILE_LIST))))../$1/Makefile");
}

// Pure: "../../lib/linux-kbuild-6.1/scripts" -> "linux-kbuild-6.1", the helpers' dir under usr/lib.
export function kbuildDirOfScriptsLink(target: string): string | undefined {
  return /^(?:\.\.\/)+lib\/(linux-kbuild-[^/]+)\/scripts$/.exec(target)?.[1];
}

export const headersDir = (root: string, release: string) => join(root, "usr", "src", `linux-headers-${release}`);

// The linux-kbuild dir the tree's scripts link names, e.g. linux-kbuild-6.1.
export async function readKbuildDirName(root: string, release: string): Promise<string | undefined> {
  const target = await readlink(join(headersDir(root, release), "scripts")).catch(() => undefined);
  return target === undefined ? undefined : kbuildDirOfScriptsLink(target);
}

export interface BuildableTreeOptions {
  root: string;
  release: string;
  kbuildDirName: string;
  // This machine's linux-kbuild dir to link to; undefined when a host-architecture kbuild was unpacked into root.
  hostKbuild: string | undefined;
}

// Returns the build dir (<root>/build, a relative link to the headers).
export async function makeTreeBuildable(options: BuildableTreeOptions): Promise<string> {
  const { root, release } = options;
  const headers = headersDir(root, release);
  const makefile = join(headers, "Makefile");
  const rewritten = rewriteHeadersMakefile(await readFile(makefile, "utf8"));
  if (rewritten !== undefined) await writeFile(makefile, rewritten);
  if (options.hostKbuild) await replaceLink(join(root, "usr", "lib", options.kbuildDirName), options.hostKbuild);
  // The package's /lib/modules/<release>/{build,source} are absolute links into /usr/src.
  const modules = join(root, "lib", "modules", release);
  for (const name of ["build", "source"]) {
    const target = await readlink(join(modules, name)).catch(() => undefined);
    if (target?.startsWith("/usr/src/")) await replaceLink(join(modules, name), join("..", "..", "..", target.slice(1)));
  }
  const build = join(root, "build");
  await replaceLink(build, join("usr", "src", basename(headers)));
  return build;
}

async function replaceLink(path: string, target: string): Promise<void> {
  if (await lstat(path).catch(() => undefined)) await rm(path, { recursive: true, force: true });
  await mkdir(dirname(path), { recursive: true });
  await symlink(target, path);
}
