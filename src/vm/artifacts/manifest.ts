// Pure: the manifest kforge keeps in each artifacts dir, listing the files (and the folders it
// made for them) that the last run wrote there. The next run removes exactly those and nothing
// else, so files the user put beside them are never touched. The manifest is read back as
// untrusted text: an entry that is not a safe relative name is ignored.
import { checkArtifactName } from "./names.js";

export interface Manifest {
  files: string[];
  // Folders kforge created, removed when empty.
  dirs: string[];
}

export const EMPTY_MANIFEST: Manifest = { files: [], dirs: [] };

export function parseManifest(text: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return EMPTY_MANIFEST;
  }
  const record = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  return { files: safeNames(record.files), dirs: safeNames(record.dirs) };
}

export const renderManifest = (manifest: Manifest): string =>
  `${JSON.stringify({ writtenBy: "kforge: replaced on the next run", ...manifest }, null, 2)}\n`;

const safeNames = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((name): name is string => typeof name === "string" && checkArtifactName(Buffer.from(name)).ok) : [];

// The folders a set of files needs, parents before children: "a/b/c" -> "a", "a/b".
export function parentDirs(files: readonly string[]): string[] {
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split("/").slice(0, -1);
    for (let depth = 1; depth <= parts.length; depth++) dirs.add(parts.slice(0, depth).join("/"));
  }
  return [...dirs].sort((left, right) => left.split("/").length - right.split("/").length || left.localeCompare(right));
}
