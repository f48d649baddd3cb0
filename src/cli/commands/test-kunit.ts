// kforge test's KUnit part: on a kernel with KUnit, loads the project's suite modules after the
// modules under test and reads their KTAP results from the guest's kernel log; on a kernel without
// it, leaves them out and says what kernel they need. Glue over src/vm/kunit-run.ts.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { writeOutput } from "../../fs/files.js";
import { findKunitSources, isKunitModule } from "../../kbuild/kunit-suites.js";
import { readKernelConfig } from "../../kernel/kernel-config.js";
import { moduleNameFromPath } from "../../module/modules-dep.js";
import { renderKunitJunit } from "../../report/kunit-junit.js";
import { createPalette } from "../../ui/color.js";
import { formatKunitSummary } from "../../ui/kunit-summary.js";
import { applyKunitResults, skippedKunitRun, type KunitRun } from "../../vm/kunit-run.js";
import type { CommandContext } from "../context.js";
import type { VmRunExtension } from "./vm.js";

export interface KunitOptions {
  // Where to write the JUnit XML report, relative to the current dir.
  junit?: string;
}

// CONFIG_KUNIT is tristate: as a module, kunit.ko comes in as the suites' in-tree dependency.
const hasKunit = (config: Map<string, string> | undefined) => ["y", "m"].includes(config?.get("CONFIG_KUNIT") ?? "");

export function createKunitExtension(options: KunitOptions, context: CommandContext): VmRunExtension {
  let suiteModules: string[] = [];
  let sources: string[] = [];
  let skipped: KunitRun | undefined;
  let release = "";
  return {
    async chooseModules(input) {
      release = input.release;
      sources = await findKunitSources(input.dir);
      const flags = await Promise.all(input.modules.map(isKunitModule));
      const suites = input.modules.filter((_path, index) => flags[index]);
      const others = input.modules.filter((_path, index) => !flags[index]);
      const config = await readKernelConfig(input.kdir);
      if (!hasKunit(config)) {
        if (sources.length === 0 && suites.length === 0) return { modules: others, alwaysLoad: [], notices: [] };
        const declared = sources.length ? sources.join(", ") : suites.map(moduleNameFromPath).join(", ");
        const lacks = config
          ? `which ${input.release} does not have`
          : `and ${input.kdir} has no .config to tell whether ${input.release} has it`;
        const reason = `the KUnit suites (${declared}) need a kernel with KUnit (CONFIG_KUNIT), ${lacks}, so they were not loaded; run kforge test --debug to test on a debug kernel with KUnit (or build one with kforge kernel build --debug and pass --kernel <its release>)`;
        skipped = skippedKunitRun(reason, sources);
        return { modules: others, alwaysLoad: [], notices: [reason] };
      }
      suiteModules = suites.map(moduleNameFromPath);
      const notices =
        suites.length === 0 && sources.length > 0
          ? [
              `${sources.join(", ")} declare${sources.length === 1 ? "s" : ""} KUnit suites, but the build made no module with one: check the Kbuild line that builds the test module`,
            ]
          : [];
      // Suites run while insmod loads them: they come after the modules under test.
      return { modules: [...others, ...suites], alwaysLoad: suiteModules, notices };
    },
    async finish(result) {
      if (!skipped && suiteModules.length === 0) return { result, text: "" };
      const consoleLines = skipped || !result.consoleLog ? [] : (await readFile(result.consoleLog, "utf8")).split("\n");
      const merged = skipped ? { ...result, kunit: skipped } : applyKunitResults(result, consoleLines, suiteModules, sources);
      if (options.junit) {
        await writeOutput(resolve(context.cwd, options.junit), renderKunitJunit(merged.kunit, release));
      }
      return { result: merged, text: formatKunitSummary(merged.kunit, createPalette(context.stdout as NodeJS.WriteStream)) };
    },
  };
}
