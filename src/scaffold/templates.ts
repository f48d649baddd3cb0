// The template catalogue: one folder per template under templates/, each with a template.json and
// its .hbs files; templates/_common holds the files every module gets.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { KforgeError, UsageError } from "../errors.js";

// dist/scaffold/ and src/scaffold/ both sit two levels below the package root.
export const TEMPLATES_ROOT = fileURLToPath(new URL("../../templates/", import.meta.url));
export const MAKEFILE_TEMPLATE = fileURLToPath(new URL("../../Makefile.template", import.meta.url));
export const COMMON_FOLDER = "_common";

export interface TemplateInfo {
  name: string;
  // One line for `kforge templates`.
  summary: string;
  // MODULE_DESCRIPTION when --description is not given.
  defaultDescription: string;
  // Uses EXPORT_SYMBOL_GPL symbols, so a non-GPL license cannot link.
  requiresGpl: boolean;
  // Guest-side shell checks (Handlebars, rendered with the module's variables) for `kforge vm`.
  vmTest: string[];
  // Emulated devices for kforge.json vm.devices (a driver template's device), optional.
  vmDevices: string[];
  // Another template whose files this one starts from (the misc template adds a client to chardev's driver).
  base?: string;
  // Userspace programs (<program>.c, not kernel objects) the generated Makefile builds with the host's compiler.
  userPrograms: string[];
  folder: string;
}

const TEMPLATE_NAME = /^[a-z][a-z0-9_-]*$/;
// A Makefile target and a file name next to the module: nothing make or the shell would read specially.
const PROGRAM_NAME = /^[a-z][a-z0-9_-]*$/;

function invalid(path: string, reason: string): never {
  throw new KforgeError(`broken template metadata ${path}: ${reason}`, { hint: "reinstall kforge; the templates folder is damaged" });
}

// Pure: validate a template.json's parsed content.
export function parseTemplateInfo(name: string, folder: string, text: string): TemplateInfo {
  const path = join(folder, "template.json");
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    invalid(path, (error as Error).message);
  }
  const { summary, defaultDescription, requiresGpl, vmTest, vmDevices = [], base, userPrograms = [] } = value;
  if (typeof summary !== "string" || summary.includes("\n")) invalid(path, "summary must be one line of text");
  if (typeof defaultDescription !== "string") invalid(path, "defaultDescription must be a string");
  if (typeof requiresGpl !== "boolean") invalid(path, "requiresGpl must be true or false");
  if (!Array.isArray(vmTest) || !vmTest.every((item) => typeof item === "string")) invalid(path, "vmTest must be a list of strings");
  if (!Array.isArray(vmDevices) || !vmDevices.every((item) => typeof item === "string"))
    invalid(path, "vmDevices must be a list of strings");
  if (base !== undefined && (typeof base !== "string" || !TEMPLATE_NAME.test(base))) invalid(path, "base must be a template's name");
  if (!Array.isArray(userPrograms) || !userPrograms.every((item) => typeof item === "string" && PROGRAM_NAME.test(item)))
    invalid(path, "userPrograms must be a list of program names (lowercase letters, digits, _ and -)");
  return {
    name,
    summary,
    defaultDescription,
    requiresGpl,
    vmTest: vmTest as string[],
    vmDevices: vmDevices as string[],
    ...(base === undefined ? {} : { base: base as string }),
    userPrograms: userPrograms as string[],
    folder,
  };
}

export async function listTemplates(root = TEMPLATES_ROOT): Promise<TemplateInfo[]> {
  const entries = await readdir(root, { withFileTypes: true });
  const names = entries.filter((entry) => entry.isDirectory() && !entry.name.startsWith("_")).map((entry) => entry.name);
  return Promise.all(names.sort().map((name) => readTemplate(name, root)));
}

async function readTemplate(name: string, root: string): Promise<TemplateInfo> {
  const folder = join(root, name);
  return parseTemplateInfo(name, folder, await readFile(join(folder, "template.json"), "utf8"));
}

export async function findTemplate(name: string, root = TEMPLATES_ROOT): Promise<TemplateInfo> {
  const templates = await listTemplates(root);
  const template = templates.find((item) => item.name === name);
  if (!template) {
    throw new UsageError(
      `unknown template "${name}"`,
      `choose one of: ${templates.map((item) => item.name).join(", ")} (kforge templates lists them)`,
    );
  }
  return template;
}

export interface TemplateFile {
  // Path inside the template folder, e.g. "{{name}}.c.hbs".
  source: string;
  text: string;
}

// The .hbs files of one template folder (not recursive: templates are flat).
export async function readTemplateFiles(folder: string): Promise<TemplateFile[]> {
  const names = (await readdir(folder)).filter((name) => name.endsWith(".hbs")).sort();
  return Promise.all(names.map(async (source) => ({ source, text: await readFile(join(folder, source), "utf8") })));
}
