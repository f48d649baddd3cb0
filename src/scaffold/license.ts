// The MODULE_LICENSE strings the kernel knows (include/linux/license.h plus "Proprietary"). Pure.
import { UsageError } from "../errors.js";

// license_is_gpl_compatible() in include/linux/license.h accepts exactly these.
export const GPL_COMPATIBLE_LICENSES = [
  "GPL",
  "GPL v2",
  "GPL and additional rights",
  "Dual BSD/GPL",
  "Dual MIT/GPL",
  "Dual MPL/GPL",
] as const;

export const DEFAULT_LICENSE = "GPL";

export interface LicenseCheck {
  license: string;
  isGplCompatible: boolean;
  notice?: string;
}

// Any other string is treated by the kernel as proprietary: it taints the kernel (P) and the module
// cannot link GPL-only symbols, so only the documented strings are accepted.
export function checkLicense(license: string): LicenseCheck {
  if ((GPL_COMPATIBLE_LICENSES as readonly string[]).includes(license)) return { license, isGplCompatible: true };
  if (license === "Proprietary") {
    return {
      license,
      isGplCompatible: false,
      notice: 'license "Proprietary" taints the kernel (P) when the module loads and bars it from GPL-only kernel symbols',
    };
  }
  throw new UsageError(
    `unknown module license "${license}": the kernel would treat it as proprietary and taint itself`,
    `use one of: ${[...GPL_COMPATIBLE_LICENSES, "Proprietary"].map((item) => JSON.stringify(item)).join(", ")}`,
  );
}
