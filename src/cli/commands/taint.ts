// `kforge taint [value]`: /proc/sys/kernel/tainted (or a given number) as bits, letters and
// meanings, and which loaded modules carry which taint letters.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EnvironmentError, UsageError } from "../../errors.js";
import { parseProcModules } from "../../module/proc-modules.js";
import { decodeTaint, flagForLetter, formatTaintLetters, parseTaintValue, taintLetters } from "../../module/taint.js";
import { createPalette } from "../../ui/color.js";
import type { CommandContext } from "../context.js";

export interface TaintCommandOptions {
  value?: string;
  json?: boolean;
  procRoot?: string;
}

// The value comes as the argument or after a bare -- (the only way to pass "-1"): one of them, once.
function givenValue(options: TaintCommandOptions, context: CommandContext): string | undefined {
  const given = [...(options.value === undefined ? [] : [options.value]), ...context.extraArgs];
  if (given.length > 1)
    throw new UsageError(
      `kforge taint takes one value, got ${given.length}: ${given.join(" ")}`,
      "give a single number, e.g. kforge taint 12288",
    );
  return given[0];
}

async function readTaintValue(value: string | undefined, procRoot: string): Promise<string> {
  if (value !== undefined) return value;
  const path = join(procRoot, "sys/kernel/tainted");
  try {
    return await readFile(path, "utf8");
  } catch {
    throw new EnvironmentError(`cannot read ${path}`, "pass the value instead: kforge taint <number>");
  }
}

async function readModuleTaints(procRoot: string): Promise<{ name: string; taints: string }[] | undefined> {
  try {
    return parseProcModules(await readFile(join(procRoot, "modules"), "utf8"))
      .modules.filter((module) => module.taints)
      .map(({ name, taints }) => ({ name, taints }));
  } catch {
    return undefined; // no module support: no per-module taints
  }
}

export async function taintCommand(options: TaintCommandOptions, context: CommandContext): Promise<number> {
  const procRoot = options.procRoot ? resolve(context.cwd, options.procRoot) : "/proc";
  const given = givenValue(options, context);
  const text = await readTaintValue(given, procRoot);
  const value = parseTaintValue(text);
  if (value === undefined)
    throw new UsageError(`"${text.trim()}" is not a taint value`, "give a non-negative number, decimal or 0x hex, e.g. kforge taint 12288");
  const decoded = decodeTaint(value);
  const modules = given === undefined ? await readModuleTaints(procRoot) : undefined;
  // Plain letters everywhere (as the VM report shows them); the kernel's own string (G for "no P",
  // "Not tainted") only as kernelString.
  const letters = taintLetters(value);
  const kernelString = value ? formatTaintLetters(decoded) : "Not tainted";
  if (options.json) {
    const flags = decoded.flags.map(({ bit, letter, name, meaning }) => ({ bit, letter, name, meaning }));
    const report = { value: decoded.value, letters, kernelString, flags, unknownBits: decoded.unknownBits, modules: modules ?? null };
    context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  }
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  if (value === 0n) context.stdout.write(`${palette.green("not tainted")} (0)\n`);
  else context.stdout.write(`${palette.yellow(`tainted: ${letters}`)} (${decoded.value})\n`);
  for (const flag of decoded.flags) context.stdout.write(`  bit ${String(flag.bit).padStart(2)}  ${flag.letter}  ${flag.meaning}\n`);
  for (const bit of decoded.unknownBits) context.stdout.write(`  bit ${String(bit).padStart(2)}  ?  unknown to kforge (newer kernel?)\n`);
  for (const module of modules ?? []) {
    const meanings = [...module.taints].map((letter) => `${letter} ${flagForLetter(letter)?.meaning ?? "unknown"}`).join("; ");
    context.stdout.write(`  module ${module.name}: ${meanings}\n`);
  }
  return 0;
}
