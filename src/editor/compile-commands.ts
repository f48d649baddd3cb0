// compile_commands.json for a module dir, from the .<object>.cmd files kbuild left behind, so clangd
// sees the headers, macros and flags the build used. Paths are absolute; `directory` is the kernel
// tree make ran in, which relative -I paths in the commands are relative to.
import { readdir, readFile, realpath, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";
import { builtArtifacts } from "../install/built-artifacts.js";
import { dropGccOnlyFlags, splitCommand } from "./clang-flags.js";
import { parseCmdFile } from "./cmd-files.js";

export interface CompileCommandsEntry {
  directory: string;
  file: string;
  output: string;
  command: string;
}

export const COMPILE_COMMANDS = "compile_commands.json";

export async function writeCompileCommands(options: {
  dir: string;
  // Where the kernel's build is: the module dir, or the kernel's tree of links to its sources.
  buildDir?: string;
  kdir: string;
  release: string;
}): Promise<{ path: string; entries: CompileCommandsEntry[] }> {
  const buildDir = options.buildDir ?? options.dir;
  // Commands from a build for another kernel would point the editor at the wrong headers.
  await builtArtifacts(buildDir, options.release);
  const directory = await realpath(options.kdir);
  // A tree's paths name links to the module dir's files: the editor gets the files themselves.
  const toSource = (text: string) => (buildDir === options.dir ? text : text.replaceAll(`${buildDir}/`, `${options.dir}/`));
  const entries: CompileCommandsEntry[] = [];
  for (const cmdFile of await findObjectCmdFiles(buildDir)) {
    const recorded = parseCmdFile(await readFile(cmdFile, "utf8"));
    if (!recorded) continue;
    const parsed = { source: toSource(recorded.source), output: recorded.output, command: toSource(recorded.command) };
    const file = resolve(directory, parsed.source);
    // Generated .mod.c files and sources from the kernel tree (6.12's module-common.c) are not the project's.
    if (!file.endsWith(".c") || file.endsWith(".mod.c") || !isInside(options.dir, file)) continue;
    entries.push({
      directory,
      file,
      output: resolve(directory, parsed.output),
      command: dropGccOnlyFlags(splitCommand(parsed.command)).join(" "),
    });
  }
  if (entries.length === 0) throw new UsageError(`no kbuild .cmd files for C sources in ${options.dir}`, "run kforge build first");
  entries.sort((left, right) => left.file.localeCompare(right.file));
  const path = join(options.dir, COMPILE_COMMANDS);
  await writeFile(path, `${JSON.stringify(entries, null, 2)}\n`);
  return { path, entries };
}

const isInside = (dir: string, file: string) => {
  const path = relative(dir, file);
  return path !== "" && !path.startsWith("..") && !isAbsolute(path);
};

async function findObjectCmdFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /^\..+\.o\.cmd$/.test(entry.name) && !entry.parentPath.includes(`${join(dir, ".kforge")}`))
    .map((entry) => join(entry.parentPath, entry.name));
}
