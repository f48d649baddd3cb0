// The git repository a dir belongs to, for paths CI systems show relative to the repository.
import { run } from "./exec.js";

// The git top-level holding the dir, else the dir itself.
export async function repositoryRoot(dir: string): Promise<string> {
  const result = await run("git", ["rev-parse", "--show-toplevel"], { cwd: dir });
  return !result.failed && result.stdout.trim() !== "" ? result.stdout.trim() : dir;
}
