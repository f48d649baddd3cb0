// `kforge test [dir] --vm`: the module's tests in a throwaway guest, the same run as `kforge vm`,
// plus the project's KUnit suites (test-kunit.ts).
import { UsageError } from "../../errors.js";
import type { CommandContext } from "../context.js";
import { createKunitExtension } from "./test-kunit.js";
import { vmCommand, type VmCommandOptions } from "./vm.js";

export interface TestCommandOptions extends VmCommandOptions {
  vm?: boolean;
  junit?: string;
}

export async function testCommand(options: TestCommandOptions, context: CommandContext): Promise<number> {
  if (!options.vm) {
    throw new UsageError(
      "kforge test runs the tests in a throwaway VM; pass --vm",
      "kforge test --vm (loading a module under test into the running kernel is what the VM is there to avoid)",
    );
  }
  const { vm: _vm, junit, ...vmOptions } = options;
  return vmCommand(vmOptions, context, createKunitExtension({ junit }, context));
}
