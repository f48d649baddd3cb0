// Makes the build dir's .config: `make tinyconfig`, kforge's fragment merged on top, `make
// olddefconfig`, then a check that Kconfig kept every option the fragment asks for (an unmet
// dependency drops an option silently). Skipped when the current .config already is that result.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KforgeError } from "../errors.js";
import { readOptionalText } from "../fs/files.js";
import { missingOptions } from "./guest-config.js";
import { checkMake, runKernelMake, type KernelMakeOptions } from "./kernel-make.js";
import { run } from "../process/exec.js";

// True when the configuration was made now, false when the existing one was kept.
export async function configureKernel(fragment: string, options: KernelMakeOptions): Promise<boolean> {
  const fragmentPath = join(options.kdir, "kforge.config");
  const configPath = join(options.kdir, ".config");
  const current = await readOptionalText(configPath);
  if (current !== undefined && missingOptions(fragment, current).length === 0) return false;
  checkMake(await runKernelMake(["tinyconfig"], options), "make tinyconfig", options.log);
  await writeFile(fragmentPath, fragment);
  const merge = await run(
    join(options.sourceDir, "scripts/kconfig/merge_config.sh"),
    ["-m", "-O", options.kdir, configPath, fragmentPath],
    {
      cwd: options.kdir,
      signal: options.signal,
      onLine: (line) => options.log.writeLine(line),
    },
  );
  checkMake(merge, "scripts/kconfig/merge_config.sh", options.log);
  checkMake(await runKernelMake(["olddefconfig"], options), "make olddefconfig", options.log);
  const missing = missingOptions(fragment, await readFile(configPath, "utf8"));
  if (missing.length > 0) {
    throw new KforgeError(
      `the kernel configuration lacks options kforge asked for (a Kconfig dependency is not met, or ` +
        `the option does not exist in this source):\n${missing.map((line) => `  ${line}`).join("\n")}`,
      {
        hint:
          `look each one up in the source's Kconfig files ("depends on"), and add what ` +
          `it needs to kforge.json debugKernel.config; the fragment is ${fragmentPath}`,
      },
    );
  }
  return true;
}
