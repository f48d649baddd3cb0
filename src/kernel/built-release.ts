// Pure: how kforge names the kernels `kforge kernel build` makes. The release is the source version plus
// kforge's local version, "-kforge" or "-kforge-debug", and for a project that needs extra options a
// key of those options ("-kforge-debug-3fa1c2d0"), so two projects never share a tree they disagree on.
export const GUEST_FLAVOUR = "kforge";
export const DEBUG_FLAVOUR = "kforge-debug";

export interface BuiltRelease {
  version: string;
  debug: boolean;
  // The key of a project's extra options, when the tree is a project variant.
  variant?: string;
}

export const flavourOf = (debug: boolean): string => (debug ? DEBUG_FLAVOUR : GUEST_FLAVOUR);

export const localVersion = (debug: boolean, variant?: string): string => `-${flavourOf(debug)}${variant ? `-${variant}` : ""}`;

export const builtRelease = (version: string, debug: boolean, variant?: string): string => `${version}${localVersion(debug, variant)}`;

// The parts of a kforge-built release, or undefined for any other release name.
export function parseBuiltRelease(release: string): BuiltRelease | undefined {
  const match = /^(\d+\.\d+(?:\.\d+)?(?:-rc\d+)?)-kforge(-debug)?(?:-([0-9a-f]{8}))?$/.exec(release);
  if (!match) return undefined;
  return { version: match[1]!, debug: match[2] !== undefined, ...(match[3] ? { variant: match[3] } : {}) };
}
