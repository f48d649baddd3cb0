// The default MODULE_AUTHOR: git's user.name when git has one.
import { run } from "../process/exec.js";

export const FALLBACK_AUTHOR = "Unknown";

export interface DefaultAuthor {
  author: string;
  source: "git config user.name" | "fallback";
}

export async function findDefaultAuthor(cwd: string, env: NodeJS.ProcessEnv): Promise<DefaultAuthor> {
  const result = await run("git", ["config", "user.name"], { cwd, env, timeoutMs: 5000 });
  const name = result.stdout.trim();
  if (!result.failed && name) return { author: name, source: "git config user.name" };
  return { author: FALLBACK_AUTHOR, source: "fallback" };
}
