// The objects a module is linked from, which are what gcov instruments: kbuild lists them in
// <module>.mod next to the .ko (absolute paths on 6.12, relative to the build dir on older kernels).
import { readFile } from "node:fs/promises";
import { isAbsolute, relative } from "node:path";
import { EnvironmentError } from "../errors.js";

// Pure: object paths relative to buildDir, without ".o", from a .mod file's text.
export function parseModFile(text: string, buildDir: string): string[] {
  return text
    .split(/\s+/)
    .filter((word) => word.endsWith(".o"))
    .map((word) => (isAbsolute(word) ? relative(buildDir, word) : word.replace(/^\.\//, "")).replace(/\.o$/, ""))
    .filter((object) => !object.startsWith(".."));
}

// Objects of the given .ko files, each once, in the modules' order.
export async function listModuleObjects(buildDir: string, modulePaths: readonly string[]): Promise<string[]> {
  const objects = new Set<string>();
  for (const path of modulePaths) {
    const modFile = path.replace(/\.ko$/, ".mod");
    const text = await readFile(modFile, "utf8").catch(() => {
      throw new EnvironmentError(
        `${modFile} is missing: kbuild writes it beside ${relative(buildDir, path)}, and coverage reads the module's objects from it`,
        "rebuild the module: kforge build --force",
      );
    });
    for (const object of parseModFile(text, buildDir)) objects.add(object);
  }
  return [...objects];
}
