// The root report paths are relative to: the git top-level holding a dir, else the dir itself.
import { run } from "../process/exec.js";

export async function repositoryRoot(dir: string): Promise<string> {
  const result = await run("git", ["rev-parse", "--show-toplevel"], { cwd: dir });
  return !result.failed && result.stdout.trim() !== "" ? result.stdout.trim() : dir;
}
