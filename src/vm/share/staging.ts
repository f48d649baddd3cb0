// The per-run folder a guest reads its files from over 9p: inside the run's temp dir, never the
// user's files themselves. Files are hard-linked when they are on the same filesystem (the export is
// read-only, so the guest cannot change them), copied otherwise; compressed in-tree modules are
// decompressed, since busybox insmod may not read them.
import { copyFile, link, mkdir, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { readModuleFile } from "../guest/decompress.js";
import { guestModuleName } from "../guest/init-script.js";

export const STAGED_MODULES = "modules";
export const STAGED_FILES = "work";

export interface StagedContent {
  modules: string[];
  files: string[];
}

// Returns the bytes staged.
export async function stageFiles(folder: string, content: StagedContent, workDir: string): Promise<number> {
  await mkdir(join(folder, STAGED_MODULES), { recursive: true });
  await mkdir(join(folder, STAGED_FILES), { recursive: true });
  const sizes = await Promise.all([
    ...content.modules.map(async (path) => {
      const name = guestModuleName(path);
      if (name !== basename(path)) {
        const data = await readModuleFile(path, workDir);
        await writeFile(join(folder, STAGED_MODULES, name), data);
        return data.length;
      }
      return place(path, join(folder, STAGED_MODULES, name));
    }),
    ...content.files.map((path) => place(path, join(folder, STAGED_FILES, basename(path)))),
  ]);
  return sizes.reduce((total, size) => total + size, 0);
}

async function place(from: string, to: string): Promise<number> {
  await link(from, to).catch(() => copyFile(from, to));
  return (await stat(to)).size;
}
