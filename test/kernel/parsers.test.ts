import { describe, expect, it } from "vitest";
import { compilerCandidates, compilerVersion, parseKernelVariablesCompiler } from "../../src/kernel/compiler.js";
import { parseKernelConfig, signingConfig } from "../../src/kernel/kernel-config.js";
import { distroFamily, headersInstallHint, parseOsRelease } from "../../src/kernel/os-release.js";
import { readFixture } from "../helpers/fixtures.js";

describe("os-release", () => {
  it("maps distributions to their headers package", () => {
    const ubuntu = parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 24.04 LTS"\n');
    expect(distroFamily(ubuntu)).toBe("debian");
    expect(headersInstallHint("debian", "6.8.0-31-generic")).toBe("apt-get install linux-headers-6.8.0-31-generic");
    const fedora = parseOsRelease("ID=fedora\n");
    expect(headersInstallHint(distroFamily(fedora), "6.9.1-200.fc40.x86_64")).toBe("dnf install kernel-devel-6.9.1-200.fc40.x86_64");
    expect(distroFamily(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\n'))).toBe("fedora");
    expect(headersInstallHint(distroFamily(parseOsRelease("ID=arch\n")), "x")).toContain("pacman -S linux-headers");
    expect(headersInstallHint(distroFamily(parseOsRelease('ID="opensuse-tumbleweed"\n')), "x")).toContain("kernel-default-devel");
    expect(distroFamily(parseOsRelease(""))).toBe("unknown");
  });
});

describe("kernel config", () => {
  const text = [
    "# CONFIG_MODULE_SIG_FORCE is not set",
    'CONFIG_CC_VERSION_TEXT="gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0"',
    "CONFIG_MODULE_SIG=y",
    'CONFIG_MODULE_SIG_HASH="sha256"',
  ].join("\n");

  it("reads values and signing settings", () => {
    const config = parseKernelConfig(text);
    expect(config.get("CONFIG_CC_VERSION_TEXT")).toBe("gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0");
    expect(config.has("CONFIG_MODULE_SIG_FORCE")).toBe(false);
    expect(signingConfig(config)).toEqual({ enabled: true, enforced: false, hash: "sha256", key: undefined });
    expect(signingConfig(undefined).enabled).toBe(false);
  });

  it("compares compiler versions and finds the command to run", () => {
    expect(compilerVersion("gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0")).toBe("12.2.0");
    expect(compilerVersion("Debian clang version 14.0.6")).toBe("14.0.6");
    expect(compilerCandidates("x86_64-linux-gnu-gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0", false)).toEqual([
      "x86_64-linux-gnu-gcc-12",
      "gcc-12",
      "gcc",
    ]);
    expect(compilerCandidates(undefined, true)).toEqual(["clang"]);
  });
});

describe("Debian's .kernelvariables", () => {
  it("names the GCC the tree calls after the cross prefix", () => {
    expect(parseKernelVariablesCompiler(readFixture("kernel/debian/armmp.kernelvariables"))).toBe("gcc-12");
    expect(parseKernelVariablesCompiler("override ARCH = arm64\n")).toBeUndefined();
  });
});
