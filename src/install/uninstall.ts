// Undoes `kforge install` from its manifest (manifest.ts), which is a file in the project that anyone
// may have edited: a file is removed only when it lies where install writes (the release's modules
// folder, modules-load.d and modprobe.d under the recorded root), is still a regular file there, and
// still holds exactly what install wrote. Anything else is refused before anything is removed.
import { lstat, readFile, realpath, rm } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, relative } from "node:path";
import { EnvironmentError, UsageError } from "../errors.js";
import { holdsOnlyDepmodFiles, modulesRoot, runDepmod } from "./install.js";
import {
  findInstallRecord,
  hashContent,
  manifestPath,
  readInstallRecords,
  saveInstallRecord,
  type InstalledFile,
  type InstallRecord,
} from "./manifest.js";

type Verdict = "remove" | "gone" | { refused: string } | { unhashed: string };

export async function uninstallModules(options: {
  dir: string;
  release: string;
  destdir?: string;
  signal?: AbortSignal;
}): Promise<string[]> {
  const root = options.destdir ?? "/";
  const record = findInstallRecord(await readInstallRecords(options.dir), options.release, root);
  if (!record) {
    throw new UsageError(
      `kforge installed nothing from ${options.dir} for ${options.release} under ${root}`,
      "pass the same --kernel and --destdir as the install did",
    );
  }
  const verdicts = await Promise.all(record.files.map((file) => judgeFile(file, record)));
  refuseUnless(verdicts, options.dir, record);
  const removed = record.files.filter((_, index) => verdicts[index] === "remove").map((file) => file.path);
  for (const path of removed) await rm(path, { force: true });
  const folder = record.createdFolder;
  if (folder && isInside(root, folder, true) && root !== "/" && (await holdsOnlyDepmodFiles(folder)))
    await rm(folder, { recursive: true, force: true });
  else await runDepmod(root, options.release, options.signal);
  await saveInstallRecord(options.dir, { ...record, files: [] });
  return removed;
}

function refuseUnless(verdicts: Verdict[], dir: string, record: InstallRecord): void {
  const unhashed = verdicts.flatMap((verdict) => (typeof verdict === "object" && "unhashed" in verdict ? [verdict.unhashed] : []));
  const refused = verdicts.flatMap((verdict) => (typeof verdict === "object" && "refused" in verdict ? [verdict.refused] : []));
  if (refused.length > 0)
    throw new EnvironmentError(
      `kforge uninstall removed nothing: ${refused.join("; ")}`,
      `check these files; remove any that should go yourself, or fix ${manifestPath(dir)}, then run kforge uninstall again`,
    );
  if (unhashed.length > 0)
    throw new EnvironmentError(
      `kforge uninstall removed nothing: ${manifestPath(dir)} was written by an older kforge and records no ` +
        `content hash for ${unhashed.join(", ")}, so it cannot tell whether they still hold what it installed`,
      `run kforge install again with the same --kernel${record.root === "/" ? "" : ` and --destdir ${record.root}`} ` +
        `(it records the hashes), then kforge uninstall; or remove the files yourself`,
    );
}

async function judgeFile(file: InstalledFile, record: InstallRecord): Promise<Verdict> {
  const { path } = file;
  const folders = [
    modulesRoot(record.root, record.release),
    join(record.root, "etc", "modules-load.d"),
    join(record.root, "etc", "modprobe.d"),
  ];
  const folder = isAbsolute(path) && normalize(path) === path ? folders.find((candidate) => isInside(candidate, path)) : undefined;
  if (!folder) return { refused: `${path} is not where kforge install writes under ${record.root}` };
  const info = await lstat(path).catch(() => undefined);
  if (!info) return "gone";
  if (!info.isFile()) return { refused: `${path} is no longer a regular file` };
  // A symbolic link on the way (a folder swapped for a link) must not lead the removal elsewhere.
  const [realFolder, realParent] = await Promise.all([realpath(folder), realpath(dirname(path))]);
  if (!isInside(realFolder, realParent, true)) return { refused: `${path} leads through a symbolic link outside ${folder}` };
  if (!file.sha256) return { unhashed: path };
  if (hashContent(await readFile(path)) !== file.sha256) return { refused: `${path} changed since kforge installed it` };
  return "remove";
}

function isInside(folder: string, path: string, orSame = false): boolean {
  const inside = relative(folder, path);
  if (inside === "") return orSame;
  return !inside.startsWith("..") && !isAbsolute(inside);
}
