// `make -C <kdir> M=<dir> clean` plus removal of kforge's build state (.kforge/state and
// .kforge/logs). Nothing else in the dir is touched: kbuild's clean decides what is a build output.
import { readdir, rm, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { EnvironmentError } from "../errors.js";
import { run } from "../process/exec.js";
import type { KernelTarget } from "./build-modules.js";
import { STATE_DIR } from "./build-log.js";
import { buildMakeArguments } from "./make-arguments.js";
import { assertKernelTree, assertModuleDir } from "./module-dir.js";
import { createKbuildOutputParser, type Diagnostic } from "./parse-output.js";

export interface CleanOptions {
  dir: string;
  kernel: KernelTarget;
  variables?: string[];
  signal?: AbortSignal;
}

export interface CleanResult {
  ok: boolean;
  exitCode: number | undefined;
  interrupted: boolean;
  diagnostics: Diagnostic[];
  // What make printed (kbuild's clean is quiet unless V=1).
  output: string;
  removedState: string[];
}

export async function cleanModules(options: CleanOptions): Promise<CleanResult> {
  await assertModuleDir(options.dir);
  await assertKernelTree(options.kernel.kdir, options.kernel.release);
  const parser = createKbuildOutputParser(options.dir);
  const makeArguments = buildMakeArguments({ kdir: options.kernel.kdir, dir: options.dir, target: "clean", variables: options.variables });
  const result = await run("make", makeArguments, {
    cwd: options.dir,
    signal: options.signal,
    processGroup: true,
    onLine: (line) => void parser.parseLine(line),
  });
  if (result.notFound) throw new EnvironmentError("make could not be started", "apt-get install make");
  const interrupted = result.canceled;
  const ok = result.exitCode === 0 && !interrupted;
  return {
    ok,
    exitCode: result.exitCode,
    interrupted,
    diagnostics: parser.diagnostics(),
    output: result.all,
    removedState: ok ? await removeBuildState(options.dir) : [],
  };
}

// Removes .kforge/state and .kforge/logs, then .kforge itself when nothing else is left in it.
async function removeBuildState(dir: string): Promise<string[]> {
  const root = join(dir, STATE_DIR);
  const removed: string[] = [];
  for (const name of ["state", "logs"]) {
    const path = join(root, name);
    const existed = await readdir(path).then(
      () => true,
      () => false,
    );
    await rm(path, { recursive: true, force: true });
    if (existed) removed.push(path);
  }
  const left = await readdir(root).catch(() => undefined);
  if (left?.every((name) => name === ".gitignore")) {
    await rm(join(root, ".gitignore"), { force: true });
    await rmdir(root).catch(() => undefined);
  }
  return removed;
}
