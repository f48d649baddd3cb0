// The scaffolding commands: new and templates.
import type { CommandSpec } from "./command-spec.js";

const optionalString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

export const SCAFFOLD_COMMANDS: CommandSpec[] = [
  {
    name: "new",
    description: "create a kernel module from a template (builds with plain make too)",
    arguments: [["<name>", "module name: lowercase letters, digits and _ (dashes become _)"]],
    options: [
      "template",
      "dir",
      "license",
      "author",
      "description",
      ["force", "write into a non-empty folder, overwriting the files kforge generates"],
      "dryRun",
      "withTests",
    ],
    load: () => import("../commands/new.js").then((module) => module.newCommand),
    toOptions: ([name], flags) => ({
      name: String(name),
      template: optionalString(flags.template),
      dir: optionalString(flags.dir),
      license: optionalString(flags.license),
      author: optionalString(flags.author),
      description: optionalString(flags.description),
      force: flags.force === true,
      dryRun: flags.dryRun === true,
      withTests: flags.withTests === true,
    }),
  },
  {
    name: "templates",
    description: "list the templates for kforge new",
    options: [["json", "print one JSON object"]],
    load: () => import("../commands/templates.js").then((module) => module.templatesCommand),
    toOptions: (_positional, flags) => ({ json: flags.json === true }),
  },
];
