// The command a build runs. By default kforge's own kbuild call (make -C <kdir> M=<dir> modules, from
// make-arguments.ts); with kforge.json `build.command` the project's own way: "dkms" for dkms.conf's
// MAKE[] as DKMS runs it for the kernel, or a command of the project's (`make KDIR=${kernel_source_dir}`).
// The command is split into words and run without a shell; DKMS's variables are expanded per kernel.
import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { expandVariables, readShellValues, type ShellValues } from "../config/shell-assignments.js";
import { tokenizeShell } from "../config/shell-words.js";
import { chooseDkmsMake } from "../dkms/make-command.js";
import { UsageError } from "../errors.js";
import { readOptionalText } from "../fs/files.js";

export type BuildCommandSetting = string | string[];

export interface BuildCommandInput {
  setting: BuildCommandSetting | undefined;
  // Where make runs: the module dir, or the kernel's mirror of it.
  dir: string;
  release: string;
  kdir: string;
  // -j for a make command, when kforge adds one.
  jobs: number | undefined;
  // kforge's own make variables (LLVM=1, ARCH=, W=, V=1, the user's NAME=value), added after the command's words.
  variables: readonly string[];
}

export interface BuildCommand {
  program: string;
  argv: string[];
  // Where the command came from, for the log and messages: "dkms.conf MAKE[0]", "kforge.json build.command".
  source: string;
  // The values of the project's dkms.conf, when the command is its MAKE[].
  dkms?: ShellValues;
}

export const SUPPORTED_VARIABLES = ["kernelver", "kernel_source_dir", "dkms_tree", "arch", "PACKAGE_NAME", "PACKAGE_VERSION"];

// undefined: kforge's own kbuild call.
export async function resolveBuildCommand(input: BuildCommandInput): Promise<BuildCommand | undefined> {
  if (input.setting === undefined || input.setting === "kbuild") return undefined;
  const dkms = readShellValues((await readOptionalText(join(input.dir, "dkms.conf"))) ?? "");
  const isDkms = input.setting === "dkms";
  if (isDkms && !dkms.known.has("PACKAGE_NAME") && dkms.assignments.length === 0)
    throw new UsageError(
      `build.command is "dkms", but ${input.dir} has no dkms.conf`,
      "add dkms.conf, or set build.command to the command itself",
    );
  const chosen = isDkms ? chooseDkmsMake(dkms, input.release) : undefined;
  const text = chosen?.text ?? input.setting;
  const source = chosen ? `dkms.conf ${chosen.key ?? "default MAKE"}` : "kforge.json build.command";
  const words = Array.isArray(text) ? text.map((word) => ({ word, quoted: false })) : splitCommand(text as string, source);
  const values = variableValues(input, dkms);
  const argv = words.map(({ word }) => expandCommandWord(word, values, source, input.dir));
  const [program, ...rest] = argv;
  if (!program) throw new UsageError(`${source} is empty`, 'set it to the command that builds the modules, e.g. "make"');
  if (program !== "make") return { program, argv: rest, source, ...(isDkms ? { dkms } : {}) };
  // As DKMS does (make -jN KERNELRELEASE=<release> ...), and kforge's own variables after the command's.
  const jobs = input.jobs !== undefined && !rest.some((word) => /^(?:-j|--jobs)/.test(word)) ? [`-j${input.jobs}`] : [];
  // DKMS rewrites a leading bare `make` only; `'make'` (common in dkms.conf) stays as written.
  const release = isDkms && !words[0]!.quoted ? [`KERNELRELEASE=${input.release}`] : [];
  return { program, argv: [...jobs, ...release, ...rest, ...input.variables], source, ...(isDkms ? { dkms } : {}) };
}

// Shell words without a shell: quotes and escapes are honoured, anything that needs a shell is refused.
// A $ in single quotes is kept as \u0000 until the variables are expanded.
function splitCommand(text: string, source: string): { word: string; quoted: boolean }[] {
  const words: { word: string; quoted: boolean }[] = [];
  for (const token of tokenizeShell(text)) {
    if (token.kind === "operator") {
      if (token.operator === "newline") continue;
      throw new UsageError(
        `${source} uses the shell operator "${token.operator}", and kforge runs it without a shell: "${text}"`,
        'make it one command; a sequence belongs in the project\'s Makefile (e.g. a target "kforge" it can run)',
      );
    }
    if (token.substitution)
      throw new UsageError(`${source} runs a command substitution (${token.raw}), which kforge never does`, "write the value itself");
    const word = token.parts.map((part) => (part.literal ? part.text.replace(/\$/g, "\u0000") : part.text)).join("");
    words.push({ word, quoted: /^['"\\]/.test(token.raw) });
  }
  return words;
}

function variableValues(input: BuildCommandInput, dkms: ShellValues): Map<string, string> {
  const name = dkms.known.get("PACKAGE_NAME") ?? "module";
  const version = dkms.known.get("PACKAGE_VERSION") ?? "0";
  // ${dkms_tree}/<name>/<version>/build is DKMS's build dir: here a link to the dir make runs in.
  const tree = join(input.dir, ".kforge", "dkms-tree");
  return new Map([
    ["kernelver", input.release],
    ["kernel_source_dir", input.kdir],
    ["dkms_tree", tree],
    ["arch", process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch],
    ["PACKAGE_NAME", name],
    ["PACKAGE_VERSION", version],
  ]);
}

function expandCommandWord(word: string, values: Map<string, string>, source: string, dir: string): string {
  const expanded = expandVariables(word, values);
  const unknown = /\$\{?([A-Za-z_][A-Za-z0-9_]*)/.exec(expanded);
  if (unknown)
    throw new UsageError(
      `${source} uses $${unknown[1]}, which kforge cannot know (it runs the command without a shell)`,
      `kforge expands ${SUPPORTED_VARIABLES.map((name) => `\${${name}}`).join(", ")}; write other values out`,
    );
  const buildDir = `${values.get("dkms_tree")}/${values.get("PACKAGE_NAME")}/${values.get("PACKAGE_VERSION")}/build`;
  return expanded
    .split(buildDir)
    .join(dir)
    .replace(/\u0000/g, "$");
}

// A command that names ${dkms_tree} other than as DKMS's build dir finds the same layout on disk.
export async function prepareDkmsTree(command: BuildCommand, dir: string): Promise<void> {
  const tree = join(dir, ".kforge", "dkms-tree");
  if (!command.argv.some((word) => word.includes(tree))) return;
  const name = command.dkms?.known.get("PACKAGE_NAME") ?? "module";
  const version = command.dkms?.known.get("PACKAGE_VERSION") ?? "0";
  await mkdir(join(tree, name, version), { recursive: true });
  await symlink(dir, join(tree, name, version, "build")).catch(() => undefined);
}
