// The architecture a build tree is configured for, and whether it is another one than this machine's.
import { archFromConfig, architectureNamed, archMatches, hostArchitecture, type Architecture } from "./architecture.js";
import { readKernelConfig, type KernelConfig } from "./kernel-config.js";

export interface TreeArch {
  // archFromConfig's name; undefined when the config cannot be read or names no known architecture.
  arch: string | undefined;
  // The table row for a tree of another architecture than this machine's (undefined for a native tree,
  // and for a foreign one kforge has no row for: check arch for that).
  foreign: Architecture | undefined;
  isForeign: boolean;
  config: KernelConfig | undefined;
}

// Pure: the same from an already read config.
function treeArchOf(config: KernelConfig | undefined, host: Architecture | undefined = hostArchitecture()): TreeArch {
  const arch = config && archFromConfig(config);
  const isForeign = arch !== undefined && host !== undefined && !archMatches(host.name, arch);
  return { arch, foreign: isForeign ? architectureNamed(arch) : undefined, isForeign, config };
}

export async function readTreeArch(kdir: string): Promise<TreeArch> {
  return treeArchOf(await readKernelConfig(kdir));
}
