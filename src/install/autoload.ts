// Pure: the modules-load.d and modprobe.d entries that load a project's modules at boot with the
// parameters from kforge.json.
import { join } from "node:path";

export interface AutoloadFile {
  path: string;
  text: string;
}

type Parameters = Record<string, Record<string, string | number | boolean>>;

export interface AutoloadNaming {
  // kforge.json package.name, then dkms.conf's PACKAGE_NAME: what the project calls itself.
  packageName?: string;
  dkmsPackageName?: string;
  modules: readonly string[];
  // The module dir's name: a checkout's folder (driver/, src/) says little, so it comes last.
  folder: string;
}

const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;

// The name of the .conf files: the package's name, else the one module's, else the folder's.
export function autoloadName(naming: AutoloadNaming): string {
  const candidates = [
    naming.packageName,
    naming.dkmsPackageName,
    naming.modules.length === 1 ? naming.modules[0] : undefined,
    naming.folder,
  ];
  return candidates.find((candidate): candidate is string => candidate !== undefined && FILE_NAME.test(candidate)) ?? "kforge-modules";
}

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
