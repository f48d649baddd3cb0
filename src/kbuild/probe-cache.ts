// Caches kbuild's compiler probes. Every make run re-evaluates the kernel's makefiles, and each
// cc-option/as-option in them starts the compiler once (29 times for a Debian 6.1 tree): about a
// third of a small module's build. Their answers depend only on the compiler and the flags, so
// kforge overrides kbuild's `try-run` on the make command line with one that remembers each answer,
// keyed by the probe's exact command text, in a directory keyed by the kernel tree and the toolchain.
import { createHash } from "node:crypto";
import { readFile, realpath } from "node:fs/promises";
import { join } from "node:path";
import { kforgeCacheDir } from "../fs/cache-dir.js";
import { describeCacheWriteFailure } from "../fs/cache-file.js";
import { makeFolder } from "../fs/files.js";
import { which } from "../process/exec.js";
import { describeFile, describeKernelTree } from "./fingerprint.js";

// Programs whose version decides a probe's answer.
const TOOLCHAIN = ["gcc", "cc", "clang", "as", "ld", "ld.lld"];
// A path is put inside a shell command in a make variable: keep to characters that need no quoting.
const SAFE_PATH = /^[\w./+-]+$/;

// Pure: the make command-line variable that replaces kbuild's try-run (scripts/Makefile.compiler)
// with a caching one. Same contract: $(1) is the probe command, $(2) the result when it succeeds,
// $(3) otherwise; a probe that has not been seen (or whose answer is damaged) runs exactly as kbuild
// runs it.
export function tryRunOverride(cacheDir: string): string {
  const quotedProbe = "'$(subst ','\\'',$(1))'";
  return [
    "try-run=$(shell set -e;",
    `KEY=$$(printf '%s' ${quotedProbe} | md5sum | cut -c1-32);`,
    `CACHED=${cacheDir}/$$KEY;`,
    // A cached answer other than y or n (a damaged cache) is not trusted: the probe runs again.
    'R=$$(cat "$$CACHED" 2>/dev/null || :);',
    'if [ "$$R" != y ] && [ "$$R" != n ]; then',
    'TMP=$(TMPOUT)/tmp; trap "rm -rf $(TMPOUT)" EXIT; mkdir -p $(TMPOUT);',
    "if ($(1)) >/dev/null 2>&1; then R=y; else R=n; fi;",
    // Write then rename: parallel makes may answer the same probe at once.
    'printf %s "$$R" > "$$CACHED.$$$$"; mv -f "$$CACHED.$$$$" "$$CACHED"; fi;',
    'if [ "$$R" = y ]; then echo "$(2)"; else echo "$(3)"; fi)',
  ].join(" ");
}

// Pure: whether a tree's scripts/Makefile.compiler defines try-run the way the override assumes
// (as in 6.1 and 6.12); older trees used other temp-file variables, so they are left alone.
export function hasKnownTryRun(makefileCompiler: string): boolean {
  const definition = /^try-run = \$\(shell set -e;[\s\S]*?\n\s*fi\)$/m.exec(makefileCompiler)?.[0] ?? "";
  return [
    "TMP=$(TMPOUT)/tmp;",
    'trap "rm -rf $(TMPOUT)" EXIT;',
    "if ($(1)) >/dev/null 2>&1;",
    'then echo "$(2)";',
    'else echo "$(3)";',
  ].every((part) => definition.includes(part));
}

// The cache directory for this kernel tree and toolchain, created; undefined when caching is off
// (KFORGE_NO_PROBE_CACHE=1), the tree's try-run is not the known one, or the path would need quoting.
// A cache folder that cannot be made (a read-only or full cache) turns the cache off with `notice`.
export async function prepareProbeCache(
  kdir: string,
  environment: NodeJS.ProcessEnv,
  notice: (message: string) => void = () => undefined,
): Promise<string | undefined> {
  if (environment.KFORGE_NO_PROBE_CACHE === "1") return undefined;
  const makefileCompiler = await readFile(join(kdir, "scripts", "Makefile.compiler"), "utf8").catch(() => "");
  if (!hasKnownTryRun(makefileCompiler)) return undefined;
  const toolchain = await Promise.all(
    TOOLCHAIN.map(async (name) => {
      const path = await which(name);
      const real = path ? await realpath(path).catch(() => path) : undefined;
      return [name, real, real ? describeFile(real) : null];
    }),
  );
  const identity = { tree: await describeKernelTree(kdir), toolchain };
  const key = createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 24);
  const dir = join(kforgeCacheDir(environment), "probes", key);
  if (!SAFE_PATH.test(dir)) return undefined;
  try {
    await makeFolder(dir);
  } catch (error) {
    notice(`${describeCacheWriteFailure(error, kforgeCacheDir(environment))}: building without the compiler-probe cache`);
    return undefined;
  }
  return dir;
}
