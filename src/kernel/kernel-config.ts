// Reads the kernel configuration a build tree was made with (.config or include/config/auto.conf).
import { readFile, stat } from "node:fs/promises";
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

// Parsed configs by path, with the size and mtime they were read at: one build consults its tree's
// config several times (architecture, compiler family, cross target), and a parse costs tens of ms.
// Callers share the map and must not change it.
const parsed = new Map<string, { stamp: string; config: KernelConfig }>();

export async function readKernelConfig(kdir: string): Promise<KernelConfig | undefined> {
  for (const candidate of [".config", "include/config/auto.conf"]) {
    const path = join(kdir, candidate);
    try {
      const info = await stat(path);
      const stamp = `${info.size}:${info.mtimeMs}`;
      const known = parsed.get(path);
      if (known?.stamp === stamp) return known.config;
      const config = parseKernelConfig(await readFile(path, "utf8"));
      parsed.set(path, { stamp, config });
      return config;
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
