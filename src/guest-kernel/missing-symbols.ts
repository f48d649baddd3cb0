// What to say about symbols modpost found no exporter for, on a kernel kforge can read the source of
// (a kforge-built kernel: <kdir>/source): the option that builds the exporting code, when the kernel was
// configured without it. The generic hint (a typo, a missing EXPORT_SYMBOL) is wrong there: del_gendisk
// is missing from a minimal debug kernel because it has no CONFIG_BLOCK.
import { readFileSync } from "node:fs";
import { readlink } from "node:fs/promises";
import { join, resolve } from "node:path";
import { isAccessible } from "../fs/files.js";
import { readKernelConfig } from "../kernel/kernel-config.js";
import { findSymbolExporters } from "./symbol-options.js";

export async function explainMissingSymbols(
  kernel: { release: string; kdir: string },
  symbols: readonly string[],
): Promise<Map<string, string>> {
  const hints = new Map<string, string>();
  const link = await readlink(join(kernel.kdir, "source")).catch(() => undefined);
  const sourceDir = link === undefined ? undefined : resolve(kernel.kdir, link);
  if (!sourceDir || symbols.length === 0 || !(await isAccessible(join(sourceDir, "Kconfig")))) return hints;
  const config = await readKernelConfig(kernel.kdir);
  const read = (path: string) => {
    try {
      return readFileSync(join(sourceDir, path), "utf8");
    } catch {
      return undefined;
    }
  };
  for (const { symbol, file, option } of await findSymbolExporters(sourceDir, symbols, read)) {
    const value = option ? config?.get(`CONFIG_${option}`) : undefined;
    if (!option || value === "y" || value === "m") continue;
    hints.set(
      symbol,
      `${symbol} is exported by ${file}, which is built only with CONFIG_${option}, and ${kernel.release} was configured without it: ` +
        `add {"debugKernel": {"config": {"CONFIG_${option}": "y"}}} to kforge.json (kforge vm --debug then builds and boots that ` +
        `variant of the debug kernel), or build for a kernel that has CONFIG_${option}`,
    );
  }
  return hints;
}
