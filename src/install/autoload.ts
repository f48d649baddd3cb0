// Pure: the modules-load.d and modprobe.d entries that load a project's modules at boot with the
// parameters from kforge.json.
import { join } from "node:path";

export interface AutoloadFile {
  path: string;
  text: string;
}

type Parameters = Record<string, Record<string, string | number | boolean>>;

export function autoloadFiles(root: string, project: string, modules: readonly string[], parameters: Parameters): AutoloadFile[] {
  const files = [
    {
      path: join(root, "etc", "modules-load.d", `${project}.conf`),
      text: `# written by kforge install --autoload\n${modules.join("\n")}\n`,
    },
  ];
  const options = modules
    .filter((module) => parameters[module] && Object.keys(parameters[module]!).length > 0)
    .map((module) => `options ${module} ${formatParameters(parameters[module]!)}`);
  if (options.length > 0)
    files.push({
      path: join(root, "etc", "modprobe.d", `${project}.conf`),
      text: `# written by kforge install --autoload\n${options.join("\n")}\n`,
    });
  return files;
}

// modprobe.d wants name=value pairs; booleans as the kernel's param parser reads them (y/n), strings quoted when they hold spaces.
function formatParameters(values: Record<string, string | number | boolean>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name}=${typeof value === "boolean" ? (value ? "y" : "n") : /\s/.test(String(value)) ? `"${value}"` : value}`)
    .join(" ");
}
