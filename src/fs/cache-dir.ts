// kforge's per-user cache (kernel images, extracted vmlinux, the acceleration decision).
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

// A relative XDG_CACHE_HOME is ignored, as the XDG base directory specification says: the cache would
// otherwise move with the working directory (and land inside a module dir).
export function kforgeCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(env.HOME || homedir(), ".cache");
  return join(base, "kforge");
}

// Where `kforge kernel fetch` unpacks a release: <cache>/kernels/<release>/{boot,lib/modules/<release>}.
export function fetchedKernelDir(release: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(kforgeCacheDir(env), "kernels", release);
}
