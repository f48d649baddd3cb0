// Scaffolding commands: `new` and `templates`.
import type { Command } from "commander";
import type { NewOptions } from "../commands/new.js";
import type { ProgramState } from "../program.js";
import { lazyAction, parseNonEmpty } from "./lazy.js";

const optionalString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export function registerScaffoldCommands(program: Command, state: ProgramState): void {
  program
    .command("new")
    .description("create a kernel module from a template (builds with plain make too)")
    .argument("<name>", "module name: lowercase letters, digits and _ (dashes become _)")
    .option("-t, --template <template>", "template to use (default hello; see kforge templates)", parseNonEmpty("--template"))
    .option("-d, --dir <path>", "folder to create the module in (default ./<name>)", parseNonEmpty("--dir"))
    .option("--license <license>", 'MODULE_LICENSE (default "GPL")')
    .option("--author <author>", "MODULE_AUTHOR (default: git config user.name, else Unknown)")
    .option("--description <text>", "MODULE_DESCRIPTION (default: the template's)")
    .option("--force", "write into a non-empty folder, overwriting the files kforge generates")
    .option("--dry-run", "list the files that would be written and write nothing")
    .option("--with-tests", "add a KUnit suite, <name>_test.c, built only for kernels with KUnit (the kunit template has one)")
    .action(
      lazyAction(
        state,
        () => import("../commands/new.js").then((module) => module.newCommand),
        (positional, flags): NewOptions => ({
          name: String(positional[0]),
          template: optionalString(flags.template),
          dir: optionalString(flags.dir),
          license: optionalString(flags.license),
          author: optionalString(flags.author),
          description: optionalString(flags.description),
          force: flags.force === true,
          dryRun: flags.dryRun === true,
          withTests: flags.withTests === true,
        }),
      ),
    );
  program
    .command("templates")
    .description("list the templates for kforge new")
    .option("--json", "print one JSON object")
    .action(
      lazyAction(
        state,
        () => import("../commands/templates.js").then((module) => module.templatesCommand),
        (_positional, flags) => ({ json: flags.json === true }),
      ),
    );
}
