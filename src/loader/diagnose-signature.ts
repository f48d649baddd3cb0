// Load failures under module signature enforcement (module.sig_enforce=1, CONFIG_MODULE_SIG_FORCE):
// insmod only says "Key was rejected by service" (EKEYREJECTED); the kernel's "Loading of <reason> is
// rejected" line (kernel/module/signing.c) says which of three cases it was. Pure.
import type { DiagnosisContext, Diagnosis } from "./diagnose-common.js";

// A distro kernel trusts only the keys built into it, plus MOKs that shim loads on a Secure Boot
// machine; a QEMU guest has no shim, so no key kforge generated can become trusted there.
const GUEST_KEYS =
  "a distro kernel in a QEMU guest trusts only the keys built into it, so no key you generate (kforge sign --generate-key) " +
  "can be made trusted there (only a guest kernel built with it in CONFIG_SYSTEM_TRUSTED_KEYS would trust it)";
const MOKUTIL = "enroll its certificate with sudo mokutil --import <cert.der>";
const ENROLL = `${MOKUTIL}, reboot and confirm it in MokManager`;
const ENFORCED = "module.sig_enforce=1 or CONFIG_MODULE_SIG_FORCE admits only modules signed with a trusted key";

const UNSIGNED = "unsigned module";
const UNSUPPORTED = "module with unsupported crypto";

export function diagnoseSignature({ input, facts, says, inVm }: DiagnosisContext): Diagnosis | undefined {
  const reason = facts.unsignedRejected ? UNSIGNED : facts.rejectedReason;
  if (!reason && !says(/key was rejected by service/i)) return undefined;
  const logLine = reason
    ? `"Loading of ${reason} is rejected" (EKEYREJECTED, "Key was rejected by service")`
    : "Key was rejected by service (EKEYREJECTED)";
  if (reason === UNSIGNED) {
    return {
      kind: "signature-rejected",
      title: `the kernel enforces module signatures and ${input.module} is unsigned`,
      detail: `${logLine}: ${ENFORCED}`,
      hint: inVm
        ? `${GUEST_KEYS}: test the module without module.sig_enforce=1; on real hardware sign it (kforge sign) and ${MOKUTIL}`
        : `sign it with a key the kernel trusts: kforge sign, then ${ENROLL}; or test it in a VM: kforge vm`,
    };
  }
  if (reason === UNSUPPORTED) {
    return {
      kind: "signature-unsupported",
      title: `the kernel cannot check the signature of ${input.module}`,
      detail: `${logLine}: the module was signed with a hash or key type this kernel does not support`,
      hint: "sign it again with the kernel's own hash: kforge sign without --hash uses its CONFIG_MODULE_SIG_HASH",
    };
  }
  return {
    kind: "key-rejected",
    title: reason
      ? `the kernel does not trust the key ${input.module} was signed with`
      : `the kernel enforces module signatures and refused ${input.module}`,
    detail: reason
      ? `${logLine}: the module is signed, but the signing key is in none of the kernel's trusted keyrings`
      : `${logLine}, and the kernel log says no more: the module is unsigned, or signed with a key the kernel does not trust`,
    hint: inVm
      ? `${GUEST_KEYS}: test the module without module.sig_enforce=1; on real hardware ${MOKUTIL}`
      : `${reason ? "" : "sign it (kforge sign) if it is not, and "}${ENROLL}; then load it again`,
  };
}
