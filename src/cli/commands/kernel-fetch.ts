// `kforge kernel fetch <release>`: a distro kernel image and modules into kforge's cache.
import { fetchKernel } from "../../kernel/fetch.js";
import type { CommandContext } from "../context.js";

export interface KernelFetchOptions {
  release: string;
  force?: boolean;
  json?: boolean;
}

export async function kernelFetchCommand(options: KernelFetchOptions, context: CommandContext): Promise<number> {
  const fetched = await fetchKernel({
    release: options.release,
    force: options.force,
    env: context.env,
    signal: context.signal,
    onProgress: (message) => !options.json && context.stderr.write(`  ${message}\n`),
  });
  if (options.json) {
    context.stdout.write(`${JSON.stringify({ ok: true, ...fetched })}\n`);
  } else if (fetched.alreadyCached) {
    context.stdout.write(`kernel ${fetched.release} is already in the cache: ${fetched.dir} (--force fetches it again)\n`);
  } else {
    context.stdout.write(`fetched ${fetched.packages.join(", ")}\n  image:   ${fetched.image}\n  modules: ${fetched.modulesDir}\n`);
    if (fetched.buildDir)
      context.stdout.write(
        `  build:   ${fetched.buildDir} (${fetched.arch})\nbuild for it with: kforge build --kernel ${fetched.release}\n`,
      );
    else context.stdout.write(`boot it with: kforge vm --kernel ${fetched.release}\n`);
  }
  return 0;
}
