// The signature-enforcement diagnoses from the insmod output and kernel log lines a Debian 6.1 guest
// booted with module.sig_enforce=1 printed (test/install/sign-enforce.test.ts checks them live).
import { describe, expect, it } from "vitest";
import { diagnoseLoadFailure, type FailureInput } from "../../src/loader/diagnose.js";

const REJECTED = "insmod: can't insert '/kforge/modules/greet.ko': Key was rejected by service\n";
const failure = (kernelLog: string[], environment: "host" | "vm" = "vm"): FailureInput => ({
  module: "greet",
  exitCode: 1,
  stderr: REJECTED,
  kernelLog,
  environment,
});

describe("diagnoseLoadFailure under signature enforcement", () => {
  it("an unsigned module", () => {
    const diagnosis = diagnoseLoadFailure(failure(["Loading of unsigned module is rejected"]));
    expect(diagnosis).toMatchObject({ kind: "signature-rejected", title: "the kernel enforces module signatures and greet is unsigned" });
    expect(diagnosis.hint).toMatch(/^a distro kernel in a QEMU guest trusts only the keys built into it/);
  });

  it("a key the kernel does not trust: on the host, enroll it", () => {
    const diagnosis = diagnoseLoadFailure(failure(["Loading of module with unavailable key is rejected"], "host"));
    expect(diagnosis.kind).toBe("key-rejected");
    expect(diagnosis.detail).toContain("the module is signed, but the signing key is in none of the kernel's trusted keyrings");
    expect(diagnosis.hint).toBe(
      "enroll its certificate with sudo mokutil --import <cert.der>, reboot and confirm it in MokManager; then load it again",
    );
  });

  it("a hash the kernel cannot check (sha3-256 on 6.1): sign with the kernel's own hash", () => {
    const log = [
      "PKCS7: Unknown OID: [32] 2.16.840.1.101.3.4.2.8",
      "Unsupported digest algo: 98",
      "Loading of module with unsupported crypto is rejected",
    ];
    const diagnosis = diagnoseLoadFailure(failure(log));
    expect(diagnosis).toMatchObject({ kind: "signature-unsupported", title: "the kernel cannot check the signature of greet" });
    expect(diagnosis.hint).toContain("kforge sign without --hash");
  });

  it("EKEYREJECTED without the kernel's reason claims neither case", () => {
    const diagnosis = diagnoseLoadFailure(failure([], "host"));
    expect(diagnosis.kind).toBe("key-rejected");
    expect(diagnosis.title).toBe("the kernel enforces module signatures and refused greet");
    expect(diagnosis.detail).toContain("the module is unsigned, or signed with a key the kernel does not trust");
    expect(diagnosis.hint).toContain("sign it (kforge sign) if it is not");
  });
});
