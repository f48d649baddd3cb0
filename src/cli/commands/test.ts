// `kforge test [dir] --vm`: the module's tests in a throwaway guest, the same run as `kforge vm`, plus
// the project's KUnit suites (test-kunit.ts); on several kernels, or with --junit for a project
// without suites, one run per kernel with a report per kernel (test-matrix.ts).
import { resolve } from "node:path";
import { loadConfig } from "../../config/kforge-json.js";
import { findKunitSources } from "../../kbuild/kunit-suites.js";
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { createKunitExtension } from "./test-kunit.js";
import { vmCommand, type VmCommandOptions } from "./vm.js";

export interface TestCommandOptions extends Omit<VmCommandOptions, "kernel"> {
  vm?: boolean;
  // Several (or "all") test on each of them.
  kernel?: string | string[];
  junit?: string;
  allowSkip?: boolean;
}

export async function testCommand(options: TestCommandOptions, context: CommandContext): Promise<number> {
  if (!options.vm) {
    throw new UsageError(
      "kforge test runs the tests in a throwaway VM; pass --vm",
      "kforge test --vm (loading a module under test into the running kernel is what the VM is there to avoid)",
    );
  }
  const { vm: _vm, junit, kernel, allowSkip, ...vmOptions } = options;
  const dir = resolve(context.cwd, options.dir ?? ".");
  const config = await loadConfig(dir);
  // Flags win over kforge.json; a kforge.json kernel list counts only when no kernel flag is given.
  const named = kernel ?? (options.kdir === undefined ? config.kernel : undefined);
  const releases = named === undefined ? [] : [named].flat();
  const several = releases.length > 1 || releases.includes("all");
  // One kernel: the flag's, else chosen as `kforge vm` chooses (kforge.json kernel and kdir).
  const flagKernel = [kernel ?? []].flat()[0];
  // On one kernel, --junit reports the KUnit cases when the project has suites, else the steps.
  const kunitReport = junit !== undefined && (await findKunitSources(dir)).length > 0;
  if (!several && (junit === undefined || kunitReport))
    return vmCommand({ ...vmOptions, kernel: flagKernel }, context, createKunitExtension({ junit }, context));
  const { runKernelTests } = await import("./test-matrix.js");
  return runKernelTests(
    { dir, config, releases: several ? releases : [flagKernel ?? []].flat(), options: vmOptions, junit, allowSkip },
    context,
  );
}
