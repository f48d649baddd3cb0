// `kforge new <name>`: render a module from a template, then write it (or list it with --dry-run).
import { relative, resolve } from "node:path";
import { findDefaultAuthor } from "../../scaffold/author.js";
import { DEFAULT_LICENSE } from "../../scaffold/license.js";
import { DEFAULT_TEMPLATE, planModule } from "../../scaffold/plan.js";
import { writePlan, type WriteReport } from "../../scaffold/write-plan.js";
import { createPalette } from "../../ui/color.js";
import type { CommandContext } from "../context.js";

export interface NewOptions {
  name: string;
  template?: string;
  dir?: string;
  license?: string;
  author?: string;
  description?: string;
  force?: boolean;
  dryRun?: boolean;
  withTests?: boolean;
}

// The author and, when it was not given, a line saying where the default came from.
async function resolveAuthor(options: NewOptions, context: CommandContext): Promise<{ author: string; notice?: string }> {
  if (options.author !== undefined) return { author: options.author };
  const found = await findDefaultAuthor(context.cwd, context.env);
  const origin = found.source === "fallback" ? "git has no user.name" : "from git config user.name";
  return { author: found.author, notice: `author: ${found.author} (${origin}; set it with --author)` };
}

export async function newCommand(options: NewOptions, context: CommandContext): Promise<number> {
  const author = await resolveAuthor(options, context);
  const plan = await planModule({
    name: options.name,
    template: options.template ?? DEFAULT_TEMPLATE,
    license: options.license ?? DEFAULT_LICENSE,
    author: author.author,
    description: options.description,
    withTests: options.withTests,
  });
  const dir = resolve(context.cwd, options.dir ?? plan.name);
  const report = await writePlan(dir, plan.files, { force: Boolean(options.force), dryRun: Boolean(options.dryRun) });
  // Notices only once everything was accepted: they must not precede an unrelated error.
  for (const notice of plan.notices) context.stderr.write(`notice: ${notice}\n`);
  if (author.notice) context.stderr.write(`${author.notice}\n`);
  printReport(report, plan.template, plan.name, context);
  if (!report.dryRun) printNextSteps(dir, plan.name, plan.userPrograms, context);
  return 0;
}

function displayDir(dir: string, cwd: string): string {
  const path = relative(cwd, dir);
  return path === "" ? "." : path.startsWith("..") ? dir : `./${path}`;
}

function printReport(report: WriteReport, template: string, name: string, context: CommandContext): void {
  const palette = createPalette(context.stdout as NodeJS.WriteStream);
  const where = displayDir(report.dir, context.cwd);
  const verb = report.dryRun ? "would write" : "wrote";
  context.stdout.write(`${report.dryRun ? "dry run: " : ""}module ${name} (template ${template}) in ${where}\n`);
  for (const path of report.created) context.stdout.write(`  ${palette.green(report.dryRun ? "would create" : "created")}    ${path}\n`);
  for (const path of report.overwritten) {
    const edits = report.edited.includes(path) ? ` (your edits ${report.dryRun ? "would be" : "are"} replaced)` : "";
    context.stdout.write(`  ${palette.yellow(report.dryRun ? "would overwrite" : "overwrote")}  ${path}${edits}\n`);
  }
  const total = report.created.length + report.overwritten.length;
  const overwritten = report.overwritten.length > 0 ? `, ${report.overwritten.length} of them over existing files` : "";
  context.stdout.write(`${verb} ${total} files${overwritten}${report.dryRun ? "; nothing was written" : ""}\n`);
}

function printNextSteps(dir: string, name: string, userPrograms: string[], context: CommandContext): void {
  // kforge build runs kbuild only: a project with userspace programs needs its Makefile before kforge vm.
  const make = userPrograms.length
    ? `  make                 # the module and ${userPrograms.map((program) => `./${program}`).join(", ")} (kforge build: the module only)`
    : "  make                 # or: kforge build";
  context.stdout.write(
    [
      "",
      "next:",
      `  cd ${displayDir(dir, context.cwd)}`,
      make,
      `  sudo insmod ${name}.ko && sudo dmesg | tail && sudo rmmod ${name}`,
      "  kforge vm            # load it and run the checks from kforge.json in a throwaway VM",
      "",
    ].join("\n"),
  );
}
