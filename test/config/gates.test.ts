// Pure gate logic: version prefixes, arch, CONFIG_* with negation, and dkms.conf's BUILD_EXCLUSIVE_*.
import { describe, expect, it } from "vitest";
import {
  chooseGates,
  compareVersionPrefix,
  configArch,
  emptyRunRefusal,
  gateRefusal,
  gatesFromDkmsConf,
  hasGates,
} from "../../src/config/gates.js";

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
    const { gates } = gatesFromDkmsConf(text);
    expect(gates).toEqual({ kernelPattern: "^6\\.1\\.", archPattern: "x86_64|aarch64", config: ["CONFIG_PCI", "!CONFIG_PREEMPT_RT"] });
    expect(gateRefusal(gates, target("6.1.0-850-amd64"))).toBeUndefined();
    expect(gateRefusal(gates, target("6.12.850+deb12-amd64"))).toMatch(/does not match BUILD_EXCLUSIVE_KERNEL/);
  });

  it("prefers kforge.json's gates and falls back to dkms.conf only without them", () => {
    const dkms = 'BUILD_EXCLUSIVE_KERNEL_MIN="6.4"\n';
    expect(chooseGates({ gates: { maxKernel: "6.1" } }, dkms)).toEqual({ gates: { maxKernel: "6.1" }, source: "kforge.json", notices: [] });
    expect(chooseGates({}, dkms)).toEqual({ gates: { minKernel: "6.4" }, source: "dkms.conf", notices: [] });
    expect(hasGates(chooseGates({}, undefined).gates)).toBe(false);
  });

  // The shape of a V4L2 driver's dkms.conf: the config "gate" is a message set only when a shell test
  // fails, which DKMS evaluates per kernel and a static reading cannot.
  it("does not apply gates set under a shell if or after &&, and says why for each", () => {
    const text = [
      'PACKAGE_NAME="v4l2demo"',
      'if ! grep -q "^CONFIG_VIDEO_V4L2=" "${kernel_source_dir}/.config"; then',
      '  BUILD_EXCLUSIVE_CONFIG="REQUIRES CONFIG_VIDEO_V4L2"',
      "fi",
      '[ -d /sys/firmware/efi ] && BUILD_EXCLUSIVE_KERNEL="^4\\."',
      'BUILD_EXCLUSIVE_ARCH="x86_64"',
    ].join("\n");
    const chosen = chooseGates({}, text);
    expect(chosen.gates).toEqual({ archPattern: "x86_64" });
    expect(chosen.source).toBe("dkms.conf");
    expect(chosen.notices).toEqual([
      expect.stringMatching(/^dkms.conf's BUILD_EXCLUSIVE_KERNEL is not applied: it is set after `&&` on line 5.*every kernel is built/),
      expect.stringMatching(/^dkms.conf's BUILD_EXCLUSIVE_CONFIG is not applied: it is set under the shell `if` at line 2/),
    ]);
    expect(gateRefusal(chosen.gates, target("6.12.850+deb12-amd64"))).toBeUndefined();
    // Only conditional gates: nothing is gated, so no run can be emptied by them.
    expect(chooseGates({}, text.replace('BUILD_EXCLUSIVE_ARCH="x86_64"', "")).source).toBe("none");
  });

  it("fails a run that dkms.conf's gates leave empty, unless the gates are kforge.json's or --allow-skip is given", () => {
    const skipped = [
      { release: "6.12.850+deb12-amd64", reason: "kernel 6.12.850+deb12-amd64 does not match BUILD_EXCLUSIVE_KERNEL ^6\\.1\\." },
    ];
    const refusal = emptyRunRefusal({ source: "dkms.conf" }, { built: 0, skipped });
    expect(refusal?.exitCode).toBe(1);
    expect(refusal?.message).toBe(
      "nothing was built: kernel 6.12.850+deb12-amd64 was skipped by dkms.conf's BUILD_EXCLUSIVE_* gates " +
        "(kernel 6.12.850+deb12-amd64 does not match BUILD_EXCLUSIVE_KERNEL ^6\\.1\\.)",
    );
    expect(refusal?.hint).toContain("--allow-skip");
    expect(emptyRunRefusal({ source: "dkms.conf" }, { built: 0, skipped, allowSkip: true })).toBeUndefined();
    expect(emptyRunRefusal({ source: "kforge.json" }, { built: 0, skipped })).toBeUndefined();
    expect(emptyRunRefusal({ source: "dkms.conf" }, { built: 1, skipped })).toBeUndefined();
  });
});
