// `kforge doctor`'s checks for cross work, against this machine as scripts/setup.sh leaves it: apt fetches
// arm64 and armhf packages, the fetched kernels are listed; each tool check agrees with PATH, with a fix.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { runCrossChecks } from "../../src/doctor/cross-checks.js";
import { which } from "../../src/process/exec.js";
import { runKforge } from "../helpers/cli.js";
import { foreignKernel61 } from "../helpers/kernels.js";

describe("doctor's cross checks", () => {
  it("reports apt's architectures, the cross compilers, QEMU and the fetched kernels of arm64 and armhf", async () => {
    const checks = await runCrossChecks();
    const byName = new Map(checks.map((check) => [check.name, check]));
    const foreign = spawnSync("dpkg", ["--print-foreign-architectures"], { encoding: "utf8" }).stdout;
    for (const [debian, gnuType, qemu, flavour] of [
      ["arm64", "aarch64-linux-gnu", "qemu-system-aarch64", "arm64"],
      ["armhf", "arm-linux-gnueabihf", "qemu-system-arm", "armmp"],
    ] as const) {
      expect(byName.get(`${debian} packages`)).toMatchObject({ area: "cross", required: false, ok: foreign.includes(debian) });
      const compiler = byName.get(`${debian} cross gcc`)!;
      expect(compiler.ok).toBe((await which(`${gnuType}-gcc`)) !== undefined);
      if (!compiler.ok) expect(compiler.fix).toBe(`apt-get install gcc-${gnuType}`);
      const emulator = byName.get(`${debian} qemu`)!;
      expect(emulator.ok).toBe((await which(qemu)) !== undefined);
      if (!emulator.ok) expect(emulator.fix).toContain("apt-get install qemu-system-arm");
      expect(byName.get(`${debian} kernels`)?.detail).toContain(foreignKernel61(flavour).release);
    }
    expect(byName.has("x86_64 cross gcc")).toBe(false);
  });

  it("shows them under their own heading in kforge doctor, never failing the build path", async () => {
    const result = await runKforge(["doctor", "--json"]);
    const report = JSON.parse(result.stdout) as { checks: { area: string; required: boolean }[] };
    const cross = report.checks.filter((check) => check.area === "cross");
    expect(cross.length).toBe(8);
    expect(cross.every((check) => !check.required)).toBe(true);
    expect((await runKforge(["doctor"])).stdout).toMatch(/^cross\n {2}(?:ok {3}|warn )arm64 packages/m);
  });
});
