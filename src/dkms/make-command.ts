// Pure: the command DKMS would build a package with for one kernel, read statically from dkms.conf:
// MAKE[0], or the MAKE[i] whose MAKE_MATCH[i] matches the release (the last match wins, as in dkms's
// own loop), else DKMS's default kbuild call. Never run: the text comes back for kforge to split.
import type { ShellValues } from "../config/shell-assignments.js";
import { UsageError } from "../errors.js";

export const DKMS_DEFAULT_MAKE = "make -C ${kernel_source_dir} M=${dkms_tree}/${PACKAGE_NAME}/${PACKAGE_VERSION}/build";

export interface DkmsMake {
  // The MAKE[i] entry chosen, or undefined for DKMS's default.
  key?: string;
  text: string;
}

export function chooseDkmsMake(values: Pick<ShellValues, "known" | "unknown">, release: string): DkmsMake {
  const { known, unknown } = values;
  const indexes = [...new Set([...known.keys(), ...unknown.keys()])]
    .map((key) => /^MAKE\[(\d+)\]$/.exec(key)?.[1])
    .filter((index): index is string => index !== undefined)
    .map(Number)
    .sort((left, right) => left - right);
  let chosen: number | undefined = known.has("MAKE_MATCH[0]") ? undefined : indexes.includes(0) ? 0 : undefined;
  for (const index of indexes) {
    const pattern = known.get(`MAKE_MATCH[${index}]`);
    if (pattern && matches(pattern, release)) chosen = index;
  }
  // A MAKE_MATCH or MAKE set under shell logic could change the choice: kforge cannot tell which DKMS runs.
  const uncertain = [...unknown.keys()].find((key) => /^MAKE(?:_MATCH)?(?:\[\d+\])?$/.test(key));
  if (uncertain)
    throw new UsageError(
      `dkms.conf's ${uncertain} cannot be read without running the file ` +
        `(${unknown.get(uncertain)}), so kforge cannot tell which command DKMS builds with`,
      'put the command in kforge.json instead: {"build": {"command": "make -C src KVERSION=${kernelver}"}}',
    );
  if (chosen === undefined) return { text: DKMS_DEFAULT_MAKE };
  return { key: `MAKE[${chosen}]`, text: known.get(`MAKE[${chosen}]`)! };
}

function matches(pattern: string, release: string): boolean {
  try {
    return new RegExp(pattern).test(release);
  } catch {
    return false;
  }
}

// The .ko files DKMS expects after MAKE (BUILT_MODULE_LOCATION[i]/BUILT_MODULE_NAME[i].ko), relative to
// the build dir; DKMS fails a build that leaves one missing.
export function dkmsExpectedModules(values: Pick<ShellValues, "known">, expand: (text: string) => string): string[] {
  return [...values.known.keys()]
    .filter((key) => /^BUILT_MODULE_NAME\[\d+\]$/.test(key))
    .map((key) => {
      const location = values.known.get(key.replace("NAME", "LOCATION")) ?? ".";
      return `${expand(location).replace(/\/+$/, "") || "."}/${expand(values.known.get(key)!)}.ko`.replace(/^\.\//, "");
    });
}
