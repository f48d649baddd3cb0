// Slow: every template as `kforge new` writes it is built, loaded in a real 6.1 guest (TCG), exercised
// by the checks the template puts into kforge.json (read/write the device, cat the proc and sysfs
// files, read the parameters, run the userspace client `make` built with the host userspace), and
// unloaded, with no crash report and no taint beyond O and E. A template with a userspace client
// boots 6.12 too (its client runs on the host's libc against a second kernel's driver).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run as runProgram } from "../../src/process/exec.js";
import { listTemplates } from "../../src/scaffold/templates.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-template-vm-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const catalogue = await listTemplates();
const cases = [
  ...catalogue.map((template) => ({ template: template.name, userPrograms: template.userPrograms, series: "6.1", kernel: kernel61 })),
  ...catalogue
    .filter((template) => template.userPrograms.length > 0)
    .map((template) => ({ template: template.name, userPrograms: template.userPrograms, series: "6.12", kernel: kernel612 })),
];

describe.each(cases)("the $template template in a $series guest", ({ template, userPrograms, kernel }) => {
  it("loads, passes its own checks and unloads with a clean kernel log", async () => {
    const release = kernel().release;
    const name = `vm_${template}`;
    const dir = join(root, `${name}-${release}`);
    const created = await runKforge(["new", name, "--template", template, "--dir", dir, "--author", "kforge tests"]);
    expect(created.exitCode, created.stderr).toBe(0);
    const checks: string[] = JSON.parse(readFileSync(join(dir, "kforge.json"), "utf8")).vm.test;
    expect(checks.length).toBeGreaterThan(0);
    // As the generated README says: the project's Makefile builds its userspace programs, kforge builds the module.
    for (const program of userPrograms) {
      const built = await runProgram("make", [program], { cwd: dir });
      expect(built.exitCode, built.all).toBe(0);
    }

    const run = await runKforge(["vm", dir, "--kernel", release, "--accel", "tcg", "--json"], { timeoutMs: 115_000 });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(run.exitCode, JSON.stringify(result.steps, null, 1)).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.steps.map((step) => step.kind)).toEqual(["load", ...checks.map(() => "exec"), "unload"]);
    expect(result.steps.every((step) => step.ok)).toBe(true);
    expect(result.crashes).toEqual([]);
    expect(result.taint.letters).toBe("OE");
    const kernelLog = result.steps.flatMap((step) => step.kernelLog).join("\n");
    expect(kernelLog).not.toMatch(/WARNING|BUG|Oops|Call Trace|license .unspecified./);
    if (userPrograms.includes("client")) {
      const client = result.steps.find((step) => step.name === "./client")!;
      expect(client.output).toContain(`client: wrote and read back "hello from the client" through /dev/${name}`);
    }
  });
});
