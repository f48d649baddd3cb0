// `kforge taint [value]`: /proc/sys/kernel/tainted (or a given number) as bits, letters and
// meanings, and which loaded modules carry which taint letters.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EnvironmentError, UsageError } from "../../errors.js";
import { parseProcModules } from "../../module/proc-modules.js";
import { decodeTaint, flagForLetter, formatTaintLetters, parseTaintValue } from "../../module/taint.js";
import { createPalette } from "../../ui/color.js";
import type { CommandContext } from "../context.js";

export interface TaintCommandOptions {
  value?: string;
  json?: boolean;
  procRoot?: string;
}

async function readTaintValue(options: TaintCommandOptions, procRoot: string): Promise<string> {
  if (options.value !== undefined) return options.value;
  const path = join(procRoot, "sys/kernel/tainted");
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new EnvironmentError(`cannot read ${path}`, "pass the value instead: kforge taint <number>");
  }
}

async function readModuleTaints(procRoot: string): Promise<{ name: string; taints: string }[] | undefined> {
  try {
    return parseProcModules(await readFile(join(procRoot, "modules"), "utf8")).modules.filter((module) => module.taints).map(({ name, taints }) => ({ name, taints }));
  } catch {
    return undefined; // no module support: no per-module taints
  }
}

export async function taintCommand(options: TaintCommandOptions, context: CommandContext): Promise<number> {
  const procRoot = options.procRoot ? resolve(context.cwd, options.procRoot) : "/proc";
  const text = await readTaintValue(options, procRoot);
  const value = parseTaintValue(text);
  if (value === undefined) throw new UsageError(`"${text.trim()}" is not a taint value`, "give a non-negative number, decimal or 0x hex, e.g. kforge taint 12288");
  const decoded = decodeTaint(value);
  const modules = options.value === undefined ? await readModuleTaints(procRoot) : undefined;
  if (options.json) {
    const flags = decoded.flags.map(({ bit, letter, name, meaning }) => ({ bit, letter, name, meaning }));
    context.stdout.write(`${JSON.stringify({ value: decoded.value, letters: value ? formatTaintLetters(decoded) : "", flags, unknownBits: decoded.unknownBits, modules: modules ?? null }, null, 2)}\n`);
    return 0;
  }
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  if (value === 0n) context.stdout.write(`${palette.green("not tainted")} (0)\n`);
  else context.stdout.write(`${palette.yellow(`tainted: ${formatTaintLetters(decoded)}`)} (${decoded.value})\n`);
  for (const flag of decoded.flags) context.stdout.write(`  bit ${String(flag.bit).padStart(2)}  ${flag.letter}  ${flag.meaning}\n`);
  for (const bit of decoded.unknownBits) context.stdout.write(`  bit ${String(bit).padStart(2)}  ?  unknown to kforge (newer kernel?)\n`);
  for (const module of modules ?? []) {
    const meanings = [...module.taints].map((letter) => `${letter} ${flagForLetter(letter)?.meaning ?? "unknown"}`).join("; ");
    context.stdout.write(`  module ${module.name}: ${meanings}\n`);
  }
  return 0;
}
