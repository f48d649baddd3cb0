// Slow: every template as `kforge new` writes it is built, loaded in a real 6.1 guest (TCG), exercised
// by the checks the template puts into kforge.json (read/write the device, cat the proc and sysfs
// files, read the parameters), and unloaded, with no crash report and no taint beyond O and E.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listTemplates } from "../../src/scaffold/templates.js";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-template-vm-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const templates = (await listTemplates()).map((template) => template.name);

describe.each(templates)("the %s template in a 6.1 guest", (template) => {
  it("loads, passes its own checks and unloads with a clean kernel log", async () => {
    const name = `vm_${template}`;
    const dir = join(root, name);
    const created = await runKforge(["new", name, "--template", template, "--dir", dir, "--author", "kforge tests"]);
    expect(created.exitCode, created.stderr).toBe(0);
    const checks: string[] = JSON.parse(readFileSync(join(dir, "kforge.json"), "utf8")).vm.test;
    expect(checks.length).toBeGreaterThan(0);

    const run = await runKforge(["vm", dir, "--kernel", kernel61().release, "--accel", "tcg", "--json"], { timeoutMs: 115_000 });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(run.exitCode, JSON.stringify(result.steps, null, 1)).toBe(0);
    expect(result.ok).toBe(true);
    expect(result.steps.map((step) => step.kind)).toEqual(["load", ...checks.map(() => "exec"), "unload"]);
    expect(result.steps.every((step) => step.ok)).toBe(true);
    expect(result.crashes).toEqual([]);
    expect(result.taint.letters).toBe("OE");
    const kernelLog = result.steps.flatMap((step) => step.kernelLog).join("\n");
    expect(kernelLog).not.toMatch(/WARNING|BUG|Oops|Call Trace|license .unspecified./);
  });
});
