// What the fast rebuild path reads from a build dir: the record the last make (or fast rebuild)
// left in .kforge/state/<release>/fast-rebuild.json, the dir's state now, and the modules of
// modules.order with the commands kbuild recorded for them.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative } from "node:path";
import { parseElf } from "../../module/elf.js";
import { readObjectLinkage } from "../../module/symbols.js";
import { STATE_DIR } from "../build-log.js";
import { parseRecordedCommand, type RecordedCommand } from "../cmd-file.js";
import { BUILD_ENVIRONMENT, describeKernelTree, listModuleFiles } from "../fingerprint.js";
import { isBuildDescription, type BuildDirState, type FastRebuildRecord, type ModuleUnit } from "./plan.js";
import { readModulesOrder } from "../modules-order.js";

const FORMAT = 1;

export interface KeyInput {
  release: string;
  kdir: string;
  makeArguments: readonly string[];
  environment: NodeJS.ProcessEnv;
}

export function recordPath(dir: string, release: string): string {
  return join(dir, STATE_DIR, "state", release, "fast-rebuild.json");
}

export async function readRecord(dir: string, release: string): Promise<FastRebuildRecord | undefined> {
  try {
    const record = JSON.parse(await readFile(recordPath(dir, release), "utf8")) as FastRebuildRecord;
    return record.format === FORMAT ? record : undefined;
  } catch {
    return undefined; // no record only means "make decides"
  }
}

export async function writeRecord(dir: string, release: string, state: BuildDirState, modules: readonly ModuleUnit[]): Promise<void> {
  const record: FastRebuildRecord = {
    format: FORMAT,
    ...state,
    symbols: Object.fromEntries(modules.map((module) => [relative(dir, module.object), symbolSignature(module.object)])),
  };
  const path = recordPath(dir, release);
  await mkdir(dirname(path), { recursive: true });
  // Write then rename: a half-written record must never look valid.
  await writeFile(`${path}.tmp`, JSON.stringify(record, null, 2));
  await rename(`${path}.tmp`, path);
}

export async function observeBuildDir(
  dir: string,
  input: KeyInput,
): Promise<{ state: BuildDirState; recorded: Map<string, RecordedCommand> }> {
  const { sources, commandFiles } = await listModuleFiles(dir);
  const files = Object.fromEntries(sources.map((path) => [relative(dir, path), isBuildDescription(path) ? hashFile(path) : ""]));
  const recorded = new Map<string, RecordedCommand>();
  const commands: Record<string, string> = {};
  for (const commandFile of commandFiles) {
    const parsed = parseRecordedCommand(await readFile(commandFile, "utf8"));
    if (!parsed) continue;
    recorded.set(parsed.target, parsed);
    commands[relative(dir, commandFile)] = parsed.command;
  }
  return { state: { key: await configurationKey(input), files, commands }, recorded };
}

// The modules of modules.order, each with its members (<name>.mod) and recorded commands.
export async function readModuleUnits(dir: string, recorded: ReadonlyMap<string, RecordedCommand>): Promise<ModuleUnit[] | string> {
  const listed = await readModulesOrder(dir);
  if (!listed?.length) return "modules.order lists no module";
  const units: ModuleUnit[] = [];
  for (const ko of listed) {
    const base = ko.slice(0, -".ko".length);
    const members = await readFile(`${base}.mod`, "utf8").then(
      (text) => text.split(/\s+/).filter((entry) => entry.endsWith(".o")),
      () => undefined,
    );
    if (!members?.length) return `${basename(base)}.mod, kbuild's list of the module's objects, is missing`;
    const targets = [...members, `${base}.o`, ko, `${base}.mod.o`];
    const commands = new Map(targets.flatMap((target) => (recorded.has(target) ? [[target, recorded.get(target)!] as const] : [])));
    units.push({
      name: basename(base),
      object: `${base}.o`,
      members,
      ko,
      modSource: `${base}.mod.c`,
      modObject: `${base}.mod.o`,
      commands,
    });
  }
  return units;
}

export function symbolSignature(object: string): string {
  try {
    const linkage = readObjectLinkage(parseElf(readFileSync(object)));
    return createHash("sha256").update(JSON.stringify(linkage)).digest("hex");
  } catch {
    return "unreadable";
  }
}

export function exportsSymbols(object: string): boolean {
  try {
    return readObjectLinkage(parseElf(readFileSync(object))).exported.length > 0;
  } catch {
    return true; // unreadable: let make decide
  }
}

async function configurationKey(input: KeyInput): Promise<string> {
  const kernel = await describeKernelTree(input.kdir);
  const environment = Object.entries(input.environment)
    .filter(([name]) => BUILD_ENVIRONMENT.test(name) || name === "SOURCE_DATE_EPOCH")
    .sort();
  // -j changes how fast, not what is built.
  const makeArguments = input.makeArguments.filter((argument) => !/^-j\d*$/.test(argument));
  return createHash("sha256")
    .update(JSON.stringify({ format: FORMAT, release: input.release, kdir: input.kdir, makeArguments, environment, kernel }))
    .digest("hex");
}

function hashFile(path: string): string {
  try {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
  } catch {
    return "unreadable";
  }
}
