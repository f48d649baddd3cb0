// `kforge lsmod [filter]`: /proc/modules (or a recorded copy) as a table or JSON; malformed lines
// are reported with their line number and never hide the others.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EnvironmentError, UsageError } from "../../errors.js";
import { noModuleSupportDiagnosis } from "../../loader/diagnose.js";
import { parseProcModules, type ProcModule } from "../../module/proc-modules.js";
import { createPalette } from "../../ui/color.js";
import type { CommandContext } from "../context.js";

export interface LsmodCommandOptions {
  filter?: string;
  json?: boolean;
  file?: string;
  procRoot?: string;
}

export async function readModulesFile(options: { file?: string; procRoot?: string }, cwd: string): Promise<{ path: string; text: string }> {
  const path = options.file ? resolve(cwd, options.file) : join(options.procRoot ? resolve(cwd, options.procRoot) : "/proc", "modules");
  try {
    return { path, text: await readFile(path, "utf8") };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    if (options.file) throw new UsageError(`cannot read ${path}: ${code}`, "check the --file path");
    if (options.procRoot) {
      throw new UsageError(
        code === "ENOENT" ? `${path} is missing` : `cannot read ${path} (${code})`,
        "point --proc-root at a recorded /proc that holds a copy of /proc/modules",
      );
    }
    const diagnosis = noModuleSupportDiagnosis("any module");
    throw new EnvironmentError(`${path} is missing: ${diagnosis.title}`, diagnosis.hint);
  }
}

function usedBy(module: ProcModule): string {
  const names = [...(module.permanent ? ["[permanent]"] : []), ...module.usedBy].join(",");
  return `${module.refcount ?? "-"}${names ? ` ${names}` : ""}`;
}

function formatTable(modules: ProcModule[]): string {
  const rows = modules.map((module) => [module.name, String(module.size), usedBy(module), module.state, module.taints]);
  const header = ["Module", "Size", "Used by", "State", "Taints"];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column === 1 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join("  ")
      .trimEnd();
  return `${[header, ...rows].map(line).join("\n")}\n`;
}

export async function lsmodCommand(options: LsmodCommandOptions, context: CommandContext): Promise<number> {
  const { path, text } = await readModulesFile(options, context.cwd);
  const table = parseProcModules(text);
  if (!table.modules.length && table.malformed.length) {
    const first = table.malformed[0]!;
    throw new UsageError(
      `${path} is not a /proc/modules file: none of its ${table.malformed.length} lines parses (line ${first.line}: ${first.reason})`,
      "give --file a copy of /proc/modules",
    );
  }
  const modules = options.filter
    ? table.modules.filter((module) => module.name.includes(options.filter!.replaceAll("-", "_")))
    : table.modules;
  const palette = createPalette(context.stderr as NodeJS.WriteStream);
  for (const bad of table.malformed)
    context.stderr.write(`${palette.yellow("warning:")} ${path}:${bad.line}: ${bad.reason}: ${bad.text}\n`);
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ source: path, modules, malformed: table.malformed }, null, 2)}\n`);
  } else {
    context.stdout.write(formatTable(modules));
  }
  return options.filter && !modules.length ? 1 : 0;
}
