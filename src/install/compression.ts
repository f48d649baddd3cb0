// Pure: how a kernel's own modules are compressed, so an installed module matches them. The tree's
// config decides (CONFIG_MODULE_COMPRESS_*); a tree without those lines falls back to how modules.dep
// names the in-tree modules.
import type { KernelConfig } from "../kernel/kernel-config.js";

export type CompressionSuffix = "" | ".gz" | ".xz" | ".zst";

const CONFIG_SUFFIXES: [string, CompressionSuffix][] = [
  ["CONFIG_MODULE_COMPRESS_GZIP", ".gz"],
  ["CONFIG_MODULE_COMPRESS_XZ", ".xz"],
  ["CONFIG_MODULE_COMPRESS_ZSTD", ".zst"],
  ["CONFIG_MODULE_COMPRESS_NONE", ""],
];

export function compressionFromConfig(config: KernelConfig | undefined): CompressionSuffix | undefined {
  return CONFIG_SUFFIXES.find(([name]) => config?.get(name) === "y")?.[1];
}

// The suffix of the first module modules.dep names ("kernel/fs/foo.ko.xz: ..."); undefined when empty.
export function compressionFromModulesDep(text: string): CompressionSuffix | undefined {
  const match = /^[^:\s]+\.ko(\.gz|\.xz|\.zst)?:/m.exec(text);
  if (!match) return undefined;
  return (match[1] ?? "") as CompressionSuffix;
}

// Make variables that make kbuild's modules_install compress exactly this way, whatever the config says.
export function compressionVariables(suffix: CompressionSuffix): string[] {
  const chosen = CONFIG_SUFFIXES.find(([, candidate]) => candidate === suffix)![0];
  // 6.12's Makefile.modinst compresses only with CONFIG_MODULE_COMPRESS_ALL; older ones ignore it.
  return [
    ...CONFIG_SUFFIXES.map(([name]) => `${name}=${name === chosen ? "y" : ""}`),
    `CONFIG_MODULE_COMPRESS_ALL=${suffix === "" ? "" : "y"}`,
  ];
}
