// Reads the kernel configuration a build tree was made with (.config or include/config/auto.conf).
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export type KernelConfig = Map<string, string>;

// Pure: `CONFIG_X=value` lines; quoted values are unquoted, `# CONFIG_X is not set` lines are skipped.
export function parseKernelConfig(text: string): KernelConfig {
  const config: KernelConfig = new Map();
  for (const line of text.split("\n")) {
    const match = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match) continue;
    const raw = match[2]!;
    config.set(match[1]!, raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, "$1") : raw);
  }
  return config;
}

export async function readKernelConfig(kdir: string): Promise<KernelConfig | undefined> {
  for (const candidate of [".config", "include/config/auto.conf"]) {
    try {
      return parseKernelConfig(await readFile(join(kdir, candidate), "utf8"));
    } catch {
      // try the next place
    }
  }
  return undefined;
}

export interface SigningConfig {
  enabled: boolean;
  // Loading unsigned modules is refused (CONFIG_MODULE_SIG_FORCE).
  enforced: boolean;
  hash: string | undefined;
  key: string | undefined;
}

export function signingConfig(config: KernelConfig | undefined): SigningConfig {
  return {
    enabled: config?.get("CONFIG_MODULE_SIG") === "y",
    enforced: config?.get("CONFIG_MODULE_SIG_FORCE") === "y",
    hash: config?.get("CONFIG_MODULE_SIG_HASH"),
    key: config?.get("CONFIG_MODULE_SIG_KEY"),
  };
}
