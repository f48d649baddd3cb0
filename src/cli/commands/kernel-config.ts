// `kforge kernel config <release>`: the configuration a kernel was built with; for a kforge-built one
// also just the fragment kforge merged onto tinyconfig (--fragment).
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { readOptionalText } from "../../fs/files.js";
import { selectKernel } from "../../kernel/select.js";
import type { CommandContext } from "../context.js";

export interface KernelConfigCommandOptions {
  release: string;
  fragment?: boolean;
}

export async function kernelConfigCommand(options: KernelConfigCommandOptions, context: CommandContext): Promise<number> {
  const kernel = await selectKernel({ kernel: options.release, env: { ...context.env, KDIR: undefined } });
  const file = join(kernel.kdir, options.fragment ? "kforge.config" : ".config");
  const text = await readOptionalText(file);
  if (text === undefined) {
    throw options.fragment
      ? new UsageError(
          `${kernel.release} was not built by kforge kernel build (no ${file})`,
          `leave out --fragment to print its whole configuration`,
        )
      : new UsageError(`${kernel.kdir} has no .config`, "the build tree is incomplete: reinstall its headers or rebuild it");
  }
  context.stdout.write(text);
  return 0;
}
