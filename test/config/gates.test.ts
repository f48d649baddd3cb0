// Pure gate logic: version prefixes, arch, CONFIG_* with negation, and dkms.conf's BUILD_EXCLUSIVE_*.
import { describe, expect, it } from "vitest";
import { chooseGates, compareVersionPrefix, configArch, gateRefusal, gatesFromDkmsConf, hasGates } from "../../src/config/gates.js";

// null: the build tree has no .config.
const target = (release: string, config: Record<string, string> | null = { CONFIG_X86_64: "y", CONFIG_PCI: "y" }) => {
  const map = config === null ? undefined : new Map(Object.entries(config));
  return { release, arch: configArch(map, "x86_64"), config: map };
};

describe("gates", () => {
  it("compares releases with inclusive version prefixes", () => {
    expect(compareVersionPrefix("6.14.9-850-amd64", "6.14")).toBe(0);
    expect(compareVersionPrefix("6.1.0-850-amd64", "5.15")).toBe(1);
    expect(compareVersionPrefix("5.10.0-850-amd64", "5.15")).toBe(-1);
    expect(compareVersionPrefix("6.15.0-850-amd64", "6.14")).toBe(1);
  });

  it("admits kernels inside min/max, arch and config, and says why others are refused", () => {
    const gates = { minKernel: "5.15", maxKernel: "6.14", arch: ["x86_64"], config: ["CONFIG_PCI", "!CONFIG_PREEMPT_RT"] };
    expect(gateRefusal(gates, target("6.14.3-850-amd64"))).toBeUndefined();
    expect(gateRefusal(gates, target("5.10.0-850-amd64"))).toMatch(/older than the gate's minimum 5\.15/);
    expect(gateRefusal(gates, target("6.15.0-850-amd64"))).toMatch(/newer than the gate's maximum 6\.14/);
    expect(gateRefusal(gates, target("6.1.0-850-arm64", { CONFIG_ARM64: "y", CONFIG_PCI: "y" }))).toMatch(
      /architecture aarch64 is not among/,
    );
    // A 32-bit arm tree is armv7l, not the host's name.
    expect(gateRefusal(gates, target("6.1.0-850-armmp", { CONFIG_ARM: "y", CONFIG_PCI: "y" }))).toMatch(/architecture armv7l is not among/);
    expect(gateRefusal(gates, target("6.1.0-850-amd64", { CONFIG_X86_64: "y" }))).toMatch(/lacks CONFIG_PCI/);
    expect(gateRefusal(gates, target("6.1.0-850-rt-amd64", { CONFIG_X86_64: "y", CONFIG_PCI: "y", CONFIG_PREEMPT_RT: "y" }))).toMatch(
      /CONFIG_PREEMPT_RT=y, which the gate excludes/,
    );
    expect(gateRefusal(gates, target("6.1.0-850-amd64", null))).toMatch(/no \.config/);
  });

  it("reads BUILD_EXCLUSIVE_* from dkms.conf text without running it", () => {
    const text = [
      'PACKAGE_NAME="demo"',
      'BUILD_EXCLUSIVE_KERNEL="^6\\.1\\."',
      "BUILD_EXCLUSIVE_ARCH='x86_64|aarch64'",
      'BUILD_EXCLUSIVE_CONFIG="CONFIG_PCI !CONFIG_PREEMPT_RT"',
      'MAKE[0]="$(rm -rf /)"',
    ].join("\n");
    const gates = gatesFromDkmsConf(text);
    expect(gates).toEqual({ kernelPattern: "^6\\.1\\.", archPattern: "x86_64|aarch64", config: ["CONFIG_PCI", "!CONFIG_PREEMPT_RT"] });
    expect(gateRefusal(gates, target("6.1.0-850-amd64"))).toBeUndefined();
    expect(gateRefusal(gates, target("6.12.850+deb12-amd64"))).toMatch(/does not match BUILD_EXCLUSIVE_KERNEL/);
  });

  it("prefers kforge.json's gates and falls back to dkms.conf only without them", () => {
    const dkms = 'BUILD_EXCLUSIVE_KERNEL_MIN="6.4"\n';
    expect(chooseGates({ gates: { maxKernel: "6.1" } }, dkms)).toEqual({ maxKernel: "6.1" });
    expect(chooseGates({}, dkms)).toEqual({ minKernel: "6.4" });
    expect(hasGates(chooseGates({}, undefined))).toBe(false);
  });
});
