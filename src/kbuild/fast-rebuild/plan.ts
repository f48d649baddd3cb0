// Pure: whether a module dir can be rebuilt by rerunning the commands kbuild recorded in its
// `.<target>.cmd` files instead of re-entering make, and which of those commands to rerun. Every
// doubt is a reason to fall back to make: the fast path must give the very .ko make would give.
import { basename, isAbsolute } from "node:path";
import type { RecordedCommand } from "../cmd-file.js";

// What a successful make (or fast rebuild) left, compared with the dir before the next one.
export interface BuildDirState {
  // Kernel, release, make arguments and build environment, hashed.
  key: string;
  // Source files by path relative to the build dir: a hash for the files that describe the build
  // (Kbuild, Makefile, kforge.json), "" for the others (their contents are the compiler's business).
  files: Record<string, string>;
  // Recorded command of every .cmd file, by path relative to the build dir.
  commands: Record<string, string>;
}

export interface FastRebuildRecord extends BuildDirState {
  format: number;
  // Per module object (modpost's input): its undefined and exported symbols.
  symbols: Record<string, string>;
}

// One module of modules.order, with the recorded commands of everything it is made of.
export interface ModuleUnit {
  name: string;
  // The object modpost reads: <name>.o, compiled itself or linked from the members.
  object: string;
  members: string[];
  ko: string;
  modSource: string;
  modObject: string;
  commands: Map<string, RecordedCommand>;
}

export type ObjectPlan = { fallback: string } | { compile: RecordedCommand[]; link: ModuleUnit[] };

// A path's mtime in ms, undefined when it does not exist.
export type ModifiedAt = (path: string) => number | undefined;

export const BUILD_DESCRIPTION = /^(?:Kbuild|Makefile|GNUmakefile|makefile|kforge\.json)$|^Makefile\.|\.mk$/;

export function isBuildDescription(path: string): boolean {
  return BUILD_DESCRIPTION.test(basename(path));
}

// Why the dir is no longer the one the last make left (undefined: it still is, sources aside).
export function compareWithRecord(record: FastRebuildRecord | undefined, current: BuildDirState): string | undefined {
  if (!record) return "no full make of this dir for this kernel recorded yet";
  if (record.key !== current.key) return "the kernel, make flags or build environment changed since the last make";
  const added = Object.keys(current.files).find((file) => !(file in record.files));
  if (added) return `${added} is new since the last make`;
  const removed = Object.keys(record.files).find((file) => !(file in current.files));
  if (removed) return `${removed} was removed since the last make`;
  const described = Object.keys(current.files).find((file) => current.files[file] !== record.files[file]);
  if (described) return `${described} changed since the last make`;
  const lost = Object.keys(record.commands).find((file) => !(file in current.commands));
  if (lost) return `${lost}, where kbuild recorded a command, is missing`;
  const rewritten = Object.keys(current.commands).find((file) => record.commands[file] !== current.commands[file]);
  if (rewritten) return `the command recorded in ${rewritten} changed since the last make (another build with other flags?)`;
  return undefined;
}

// The objects to recompile (a source or a module header newer than the object, as make judges it)
// and the modules to relink.
export function planObjects(modules: readonly ModuleUnit[], modifiedAt: ModifiedAt, isKernelFile: (path: string) => boolean): ObjectPlan {
  const compile: RecordedCommand[] = [];
  const link: ModuleUnit[] = [];
  for (const module of modules) {
    let relink = false;
    for (const member of module.members) {
      const recorded = module.commands.get(member);
      if (!recorded?.source) return { fallback: `kbuild recorded no compile command for ${member}` };
      const stale = judgeObject(recorded, modifiedAt, isKernelFile);
      if (typeof stale === "string") return { fallback: stale };
      if (!stale) continue;
      if (recorded.exportsSymbols) return { fallback: exportsReason(member) };
      compile.push(recorded);
      relink = true;
    }
    const composite = module.members.length !== 1 || module.members[0] !== module.object;
    if (!composite) continue;
    if (!module.commands.has(module.object)) return { fallback: `kbuild recorded no link command for ${module.object}` };
    const linkedAt = modifiedAt(module.object);
    if (relink || linkedAt === undefined || module.members.some((member) => (modifiedAt(member) ?? Infinity) > linkedAt)) link.push(module);
  }
  return { compile, link };
}

// 32-bit arm (and other kernels without -mrecord-mcount) runs scripts/recordmcount on each object it
// compiles, as a step of its own that the .cmd file does not record.
export function recordMcountReason(config: ReadonlyMap<string, string> | undefined): string | undefined {
  return config?.get("CONFIG_FTRACE_MCOUNT_USE_RECORDMCOUNT") === "y"
    ? "this kernel runs recordmcount on each compiled object, which kbuild does outside the recorded commands"
    : undefined;
}

export function exportsReason(object: string): string {
  return `${basename(object)} exports symbols: their versions come from genksyms, which kbuild runs outside the recorded commands`;
}

// true: recompile; false: up to date; a string: why make has to decide.
function judgeObject(recorded: RecordedCommand, modifiedAt: ModifiedAt, isKernelFile: (path: string) => boolean): boolean | string {
  const sourceAt = modifiedAt(recorded.source!);
  if (sourceAt === undefined) return `${recorded.source} is gone`;
  const builtAt = modifiedAt(recorded.target);
  // Removed after a failed compile (or by hand) while its .cmd stayed: make reruns the same command.
  if (builtAt === undefined) return true;
  let stale = sourceAt > builtAt;
  for (const dependency of recorded.dependencies) {
    const changedAt = modifiedAt(dependency);
    if (changedAt === undefined) return `${dependency}, which ${basename(recorded.target)} includes, is gone`;
    if (changedAt <= builtAt) continue;
    if (isKernelFile(dependency)) return `kernel header ${dependency} is newer than ${basename(recorded.target)}`;
    stale = true;
  }
  const appeared = recorded.wildcards.find((path) => (modifiedAt(path) ?? -Infinity) > builtAt);
  if (appeared) return `${appeared} appeared or changed: kbuild checks it for ${basename(recorded.target)}`;
  return stale;
}

// After modpost (which rewrites a .mod.c only when its text changes): the .mod.o files to recompile
// and the .ko files to relink, by make's rule that a target older than a prerequisite is rebuilt.
export function planFinish(
  modules: readonly ModuleUnit[],
  modifiedAt: ModifiedAt,
  relinked: ReadonlySet<string>,
): { compileMod: ModuleUnit[]; linkKo: ModuleUnit[] } {
  const newer = (path: string, than: string) => (modifiedAt(path) ?? Infinity) > (modifiedAt(than) ?? -Infinity);
  const compileMod = modules.filter((module) => newer(module.modSource, module.modObject));
  const linkKo = modules.filter(
    (module) =>
      relinked.has(module.name) || compileMod.includes(module) || newer(module.object, module.ko) || newer(module.modObject, module.ko),
  );
  return { compileMod, linkKo };
}

// Pure: whether a recorded dependency belongs to the kernel tree (relative entries are: make runs there).
export function belongsToKernel(path: string, kernelRoots: readonly string[]): boolean {
  return !isAbsolute(path) || kernelRoots.some((root) => path.startsWith(`${root}/`));
}

// Pure: the depfile a compile command writes (`-Wp,-MMD,<file>`), which fixdep turns into the .cmd file.
export function depfileOf(command: string): string | undefined {
  return /-Wp,-MMD,(\S+)/.exec(command)?.[1];
}

// Pure: the variables the kernel's Makefile exports to recipes that the recorded commands read
// (objtool needs SRCARCH), taken from a recorded compile's -I<srctree>/arch/<SRCARCH>/include.
export function makeExports(compileCommand: string): NodeJS.ProcessEnv {
  const srcarch = /-I\S*\/arch\/(\w+)\/include /.exec(compileCommand)?.[1];
  return srcarch ? { SRCARCH: srcarch } : {};
}

// Pure: the program a recorded link command runs (its first word).
export function linkerOf(command: string): string {
  return command.trim().split(/\s+/)[0] ?? "";
}
