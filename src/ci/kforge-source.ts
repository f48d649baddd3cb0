// Where a generated CI job gets kforge: kforge is installed from its git repository (README: from a
// checkout, npm ci builds dist/, npm link puts `kforge` on PATH), not from the npm registry. The
// default is the repository of the kforge checkout that writes the workflow, pinned to its commit.
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { run } from "../process/exec.js";

export interface KforgeSource {
  // A git URL the CI job can clone.
  url: string;
  // Commit, tag or branch to check out; undefined: the default branch.
  ref?: string;
  // Where the choice came from, for the message ci init prints.
  origin: string;
}

// This checkout's root: dist/ci/ (or src/ci/) is two levels below it.
const KFORGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

// --kforge-from <url>[#ref], else this checkout's origin remote at its HEAD commit.
export async function resolveKforgeSource(requested: string | undefined): Promise<KforgeSource> {
  if (requested !== undefined) {
    const [url, ref] = requested.split("#", 2) as [string, string | undefined];
    return { url: url, ...(ref ? { ref } : {}), origin: "--kforge-from" };
  }
  const remote = await run("git", ["-C", KFORGE_ROOT, "remote", "get-url", "origin"]);
  const head = await run("git", ["-C", KFORGE_ROOT, "rev-parse", "HEAD"]);
  if (remote.failed || head.failed || remote.stdout.trim() === "")
    throw new UsageError(
      `the CI job needs to know where to get kforge, and this kforge (${KFORGE_ROOT}) is not a git checkout with an origin remote`,
      "pass --kforge-from <git URL of kforge>[#<commit or tag>]; kforge is installed from its repository, not from npm (docs/ci.md)",
    );
  return { url: cloneableUrl(remote.stdout.trim()), ref: head.stdout.trim(), origin: `the origin of ${KFORGE_ROOT} at its commit` };
}

// Pure: a CI job has no SSH key for the repository, so git@host:path and ssh://git@host/path become https.
export function cloneableUrl(url: string): string {
  const scp = /^[\w.-]+@([\w.-]+):(?!\/\/)(.+)$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  const ssh = /^ssh:\/\/(?:[\w.-]+@)?([\w.-]+)(?::\d+)?\/(.+)$/.exec(url);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  return url;
}
