// Renders a template into the full list of files to write, before anything touches the disk.
// Pure: texts in, files out.
import Handlebars from "handlebars";
import { parseConfig, type KforgeConfig } from "../config/kforge-json.js";
import { KforgeError } from "../errors.js";
import { escapeCString } from "./c-string.js";
import type { TemplateFile } from "./templates.js";

export interface ModuleVariables {
  name: string;
  template: string;
  license: string;
  author: string;
  description: string;
}

export interface PlannedFile {
  // Relative to the module folder.
  path: string;
  content: string;
}

export interface RenderInput {
  variables: ModuleVariables;
  templateFiles: TemplateFile[];
  commonFiles: TemplateFile[];
  makefileTemplate: string;
  vmTest: string[];
  vmDevices?: string[];
  // Programs built from <program>.c by the Makefile with the host's compiler, not by kbuild.
  userPrograms?: string[];
  // Shown in errors: where the template files came from.
  templateLabel: string;
}

type Render = (source: string, context: object, label: string) => string;

function requireDefined(value: unknown, helper: string): void {
  if (value === undefined || value === null) throw new Error(`${helper}: the value is not defined`);
}

// An isolated instance: HTML escaping off (C has < and &), strict lookups, and block helpers and
// cString that fail on a missing variable instead of rendering nothing.
function createHandlebars(): typeof Handlebars {
  const instance = Handlebars.create();
  for (const name of ["if", "unless", "each", "with"]) {
    const builtin = instance.helpers[name] as Handlebars.HelperDelegate;
    instance.registerHelper(name, function (this: unknown, value: unknown, options: Handlebars.HelperOptions) {
      requireDefined(value, `#${name}`);
      return builtin.call(this, value, options);
    });
  }
  instance.registerHelper("cString", (value: unknown) => {
    if (typeof value !== "string")
      throw new Error(`cString: expected text, got ${value === undefined ? "an undefined variable" : typeof value}`);
    return escapeCString(value);
  });
  return instance;
}

function createRender(): Render {
  const instance = createHandlebars();
  return (source, context, label) => {
    try {
      return instance.compile(source, { noEscape: true, strict: true })(context);
    } catch (error) {
      throw new KforgeError(`cannot render ${label}: ${(error as Error).message.split("\n")[0]}`, {
        hint: "the template is broken; nothing was written",
      });
    }
  };
}

// "{{name}}.c.hbs" -> "hello.c"; a leading "_" becomes "." ("_gitignore.hbs" -> ".gitignore"),
// because npm drops real .gitignore files from published packages.
function renderPath(render: Render, source: string, context: object, label: string): string {
  const path = render(source.replace(/\.hbs$/, ""), context, `the file name ${label}`);
  return path.startsWith("_") ? `.${path.slice(1)}` : path;
}

function renderFiles(render: Render, files: TemplateFile[], context: object, folder: string): PlannedFile[] {
  return files.map((file) => {
    const label = `${folder}/${file.source}`;
    return { path: renderPath(render, file.source, context, label), content: render(file.text, context, label) };
  });
}

// A <x>_test.c is a KUnit suite: a module of its own, not one of the module's objects.
const isSuite = (path: string) => path.endsWith("_test.c");
const toObject = (file: PlannedFile) => file.path.replace(/\.c$/, ".o");

// Kbuild objects: a single <name>.c needs only obj-m; several sources need <name>-y. A userspace
// program's source is no kernel object.
function listObjects(files: PlannedFile[], name: string, userPrograms: string[]): string[] {
  const userSources = new Set(userPrograms.map((program) => `${program}.c`));
  const sources = files.filter((file) => file.path.endsWith(".c") && !isSuite(file.path) && !userSources.has(file.path)).map(toObject);
  return sources.length === 1 && sources[0] === `${name}.o` ? [] : sources;
}

// Programs the host's compiler built run only on the host's userspace (its libc), shared into the guest.
function renderConfig(vmTest: string[], vmDevices: string[], userPrograms: string[]): PlannedFile {
  const config: KforgeConfig = {
    vm: { ...(userPrograms.length ? { userspace: "host" } : {}), ...(vmDevices.length ? { devices: vmDevices } : {}), test: vmTest },
  };
  const content = `${JSON.stringify(config, null, 2)}\n`;
  parseConfig(content); // the generated file must pass the same validation kforge applies when reading it
  return { path: "kforge.json", content };
}

export function renderModule(input: RenderInput): PlannedFile[] {
  const render = createRender();
  const variables = { ...input.variables, upperName: input.variables.name.toUpperCase() };
  const own = renderFiles(render, input.templateFiles, variables, input.templateLabel);
  const vmTest = input.vmTest.map((command, index) => render(command, variables, `${input.templateLabel}/template.json vmTest[${index}]`));
  const suites = own.filter((file) => isSuite(file.path)).map(toObject);
  const userPrograms = input.userPrograms ?? [];
  const shared = { ...variables, objects: listObjects(own, variables.name, userPrograms), suites, vmTest, userPrograms };
  const files = [
    ...own,
    ...renderFiles(render, input.commonFiles, shared, "templates/_common"),
    { path: "Makefile", content: render(input.makefileTemplate, shared, "Makefile.template") },
    renderConfig(vmTest, input.vmDevices ?? [], userPrograms),
  ];
  checkUniquePaths(files, input.templateLabel);
  return files.sort((left, right) => (left.path < right.path ? -1 : 1));
}

function checkUniquePaths(files: PlannedFile[], label: string): void {
  const seen = new Set<string>();
  for (const file of files) {
    if (seen.has(file.path))
      throw new KforgeError(`template ${label} renders ${file.path} twice`, { hint: "the template is broken; nothing was written" });
    seen.add(file.path);
  }
}
