// The BUILD_EXCLUSIVE_KERNEL pattern kforge writes for min/max gates, matched by real bash =~ as dkms
// matches it, against kforge's own gate judgement for a grid of releases (none installed anywhere).
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { gateRefusal, gatesFromDkmsConf } from "../../src/config/gates.js";
import { renderDkmsConf } from "../../src/dkms/dkms-conf.js";
import { integerRange, kernelRangePattern } from "../../src/dkms/kernel-pattern.js";

const RELEASES = [4, 5, 6, 7, 10].flatMap((major) =>
  [0, 1, 2, 9, 10, 11, 12, 14, 15, 19, 20, 99, 100, 123].flatMap((minor) =>
    [0, 1, 5, 9, 10, 57, 99, 100, 117, 999].map(
      (patch, index) => `${major}.${minor}.${patch}${["-850-amd64", "+deb12-amd64", "-rc1", ""][index % 4]}`,
    ),
  ),
);
const BOUNDS = [undefined, "5", "5.15", "6", "6.1", "6.1.5", "6.1.100", "6.9", "6.10", "6.12.117", "7", "10.0.99"];
const GATES = BOUNDS.flatMap((minKernel) => BOUNDS.map((maxKernel) => ({ minKernel, maxKernel })))
  .filter(({ minKernel, maxKernel }) => minKernel || maxKernel)
  .filter(({ minKernel, maxKernel }) => {
    try {
      kernelRangePattern(minKernel, maxKernel);
      return true;
    } catch {
      return false;
    }
  });

// One bash for every pair (a loop over arrays: `read` on a pipe is slow); per pattern a line of 0/1,
// one per release, 1 when [[ release =~ pattern ]] holds.
function bashMatches(patterns: string[], releases: string[]): boolean[][] {
  const quote = (value: string) => `'${value.replaceAll("'", "'\\''")}'`;
  const script = [
    `patterns=(${patterns.map(quote).join(" ")})`,
    `releases=(${releases.map(quote).join(" ")})`,
    'for pattern in "${patterns[@]}"; do line=; for release in "${releases[@]}"; do if ' +
      '[[ $release =~ $pattern ]]; then line+=1; else line+=0; fi; done; echo "$line"; done',
  ].join("\n");
  const output = execFileSync("bash", ["-c", script], { encoding: "utf8", maxBuffer: 16 << 20 });
  return output
    .trim()
    .split("\n")
    .map((line) => [...line].map((digit) => digit === "1"));
}

describe("BUILD_EXCLUSIVE_KERNEL from min/max gates", () => {
  it("bash admits exactly the releases kforge's gates admit", () => {
    expect(GATES.length).toBeGreaterThan(90);
    const matched = bashMatches(
      GATES.map((gates) => kernelRangePattern(gates.minKernel, gates.maxKernel)),
      RELEASES,
    );
    const disagreements = GATES.flatMap((gates, row) =>
      RELEASES.filter(
        (release, column) => matched[row]![column] !== (gateRefusal(gates, { release, arch: "x86_64", config: undefined }) === undefined),
      ).map((release) => ({ ...gates, release })),
    );
    expect(disagreements).toEqual([]);
    // Both outcomes occur, so the comparison is not vacuous.
    const outcomes = matched.flat();
    expect(outcomes.length).toBe(GATES.length * RELEASES.length);
    expect(outcomes.filter(Boolean).length).toBeGreaterThan(1000);
    expect(outcomes.filter((value) => !value).length).toBeGreaterThan(1000);
  });

  it("spells whole-number ranges without \\d", () => {
    expect(integerRange(0, 9)).toBe("[0-9]");
    expect(integerRange(13, 99)).toBe("1[3-9]|[2-9][0-9]");
    expect(integerRange(16, Infinity)).toBe("1[6-9]|[2-9][0-9]|[1-9][0-9]{2,}");
    expect(integerRange(0, 116)).toBe("[0-9]|[1-9][0-9]|1(0[0-9]|1[0-6])");
    expect(integerRange(5, 4)).toBe("");
  });

  it("refuses gates that admit no kernel or are not versions", () => {
    expect(() => kernelRangePattern("6.14", "6.2")).toThrow("minKernel 6.14 is newer than maxKernel 6.2");
    expect(() => kernelRangePattern("6.x", undefined)).toThrow('gates.minKernel "6.x" is not a version');
  });

  it("survives dkms.conf quoting and is read back as the same gate", () => {
    const text = renderDkmsConf({
      name: "p",
      version: "1",
      modules: [{ name: "p", location: "." }],
      modDir: "updates",
      gates: { minKernel: "5.15", maxKernel: "6.10" },
    });
    expect(text).toContain("# kernels 5.15 or newer, 6.10 or older (kforge.json gates)\n");
    expect(text).not.toContain("BUILD_EXCLUSIVE_KERNEL_MIN");
    const { gates, notices } = gatesFromDkmsConf(text);
    expect(notices).toEqual([]);
    expect(gates.kernelPattern).toBe(kernelRangePattern("5.15", "6.10"));
    // The shell reads the same value back from the file.
    const sourced = execFileSync("bash", ["-c", `${text}\nprintf %s "$BUILD_EXCLUSIVE_KERNEL"`], { encoding: "utf8" });
    expect(sourced).toBe(gates.kernelPattern);
    const target = (release: string) => ({ release, arch: "x86_64", config: undefined });
    expect(gateRefusal(gates, target("6.10.3-850-amd64"))).toBeUndefined();
    expect(gateRefusal(gates, target("6.11.0-850-amd64"))).toMatch(/does not match BUILD_EXCLUSIVE_KERNEL/);
  });
});
