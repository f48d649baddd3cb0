// Turns `kforge new` choices into the complete list of files for a module: validates the name and
// license, loads the template, renders everything. Nothing is written here.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { checkLicense } from "./license.js";
import { normaliseModuleName } from "./names.js";
import { renderModule, type PlannedFile } from "./render.js";
import {
  COMMON_FOLDER,
  findTemplate,
  MAKEFILE_TEMPLATE,
  readTemplateFiles,
  type TemplateFile,
  type TemplateInfo,
  TEMPLATES_ROOT,
} from "./templates.js";

export const DEFAULT_TEMPLATE = "hello";
const TESTS_FOLDER = "_tests";

export interface ModuleChoices {
  name: string;
  template: string;
  license: string;
  author: string;
  // Undefined: the template's default description.
  description?: string;
  // Add a KUnit suite (<name>_test.c from templates/_tests) when the template has none.
  withTests?: boolean;
  templatesRoot?: string;
  makefileTemplate?: string;
}

export interface ModulePlan {
  name: string;
  template: string;
  description: string;
  files: PlannedFile[];
  // Built by the generated Makefile, not by kbuild (kforge build).
  userPrograms: string[];
  notices: string[];
}

export async function planModule(choices: ModuleChoices): Promise<ModulePlan> {
  const { name, notice } = normaliseModuleName(choices.name);
  const license = checkLicense(choices.license);
  const root = choices.templatesRoot ?? TEMPLATES_ROOT;
  const template = await findTemplate(choices.template, root);
  const templateFiles = await readWithBase(template, root);
  const hasSuite = templateFiles.some((file) => file.source.endsWith("_test.c.hbs"));
  const addsSuite = choices.withTests === true && !hasSuite;
  if ((template.requiresGpl || addsSuite) && !license.isGplCompatible) {
    const what = template.requiresGpl ? `template "${template.name}" uses` : "a KUnit suite (--with-tests) uses";
    throw new UsageError(
      `${what} GPL-only kernel symbols, which a "${license.license}" module cannot link`,
      `use a GPL-compatible --license such as "GPL" or "Dual MIT/GPL"` +
        `${addsSuite ? ", or leave out --with-tests" : ", or another template"}`,
    );
  }
  const description = choices.description ?? template.defaultDescription;
  const files = renderModule({
    variables: { name, template: template.name, license: license.license, author: choices.author, description },
    templateFiles: addsSuite ? [...templateFiles, ...(await readTemplateFiles(join(root, TESTS_FOLDER)))] : templateFiles,
    commonFiles: await readTemplateFiles(join(root, COMMON_FOLDER)),
    makefileTemplate: await readFile(choices.makefileTemplate ?? MAKEFILE_TEMPLATE, "utf8"),
    vmTest: template.vmTest,
    vmDevices: template.vmDevices,
    userPrograms: template.userPrograms,
    templateLabel: `templates/${template.name}`,
  });
  const notices = [notice, license.notice].filter((item): item is string => item !== undefined);
  return { name, template: template.name, description, files, userPrograms: template.userPrograms, notices };
}

// A template's files over its base template's (a file of the same name replaces the base's).
async function readWithBase(template: TemplateInfo, root: string): Promise<TemplateFile[]> {
  const own = await readTemplateFiles(template.folder);
  if (template.base === undefined) return own;
  const base = await readTemplateFiles((await findTemplate(template.base, root)).folder);
  const replaced = new Set(own.map((file) => file.source));
  return [...base.filter((file) => !replaced.has(file.source)), ...own];
}
