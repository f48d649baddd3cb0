// kforge test's KUnit part of a guest run: on a kernel with KUnit, the project's suite modules load
// after the modules under test and their KTAP results are read from the guest's kernel log; on a
// kernel without it, they are left out with a notice naming the kernel they need.
import { readFile } from "node:fs/promises";
import { findKunitSources, isKunitModule } from "../kbuild/kunit-suites.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { moduleNameFromPath } from "../module/modules-dep.js";
import { applyKunitResults, type KunitRun, skippedKunitRun } from "./kunit-run.js";
import type { VmRunExtension } from "./run-project.js";

// CONFIG_KUNIT is tristate: as a module, kunit.ko comes in as the suites' in-tree dependency.
const hasKunit = (config: Map<string, string> | undefined) => ["y", "m"].includes(config?.get("CONFIG_KUNIT") ?? "");

export function createKunitExtension(): VmRunExtension {
  let suiteModules: string[] = [];
  let sources: string[] = [];
  let skipped: KunitRun | undefined;
  return {
    async chooseModules(input) {
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
        const reason =
          `the KUnit suites (${declared}) need a kernel with KUnit (CONFIG_KUNIT), ${lacks}, ` +
          `so they were not loaded; run kforge test --debug to test on a debug kernel with ` +
          `KUnit (or build one with kforge kernel build --debug and pass --kernel <its release>)`;
        skipped = skippedKunitRun(reason, sources);
        return { modules: others, alwaysLoad: [], notices: [reason] };
      }
      suiteModules = suites.map(moduleNameFromPath);
      const notices =
        suites.length === 0 && sources.length > 0
          ? [
              `${sources.join(", ")} declare${sources.length === 1 ? "s" : ""} KUnit suites, but ` +
                `the build made no module with one: check the Kbuild line that builds the test module`,
            ]
          : [];
      // Suites run while insmod loads them: they come after the modules under test.
      return { modules: [...others, ...suites], alwaysLoad: suiteModules, notices };
    },
    async finish(result) {
      if (skipped) return { ...result, kunit: skipped };
      if (suiteModules.length === 0) return result;
      const consoleLines = result.consoleLog ? (await readFile(result.consoleLog, "utf8")).split("\n") : [];
      return applyKunitResults(result, consoleLines, suiteModules, sources);
    },
  };
}
