// Real console output captured from Debian 6.1 guests (test/fixtures/vm/console/).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CrashParser } from "../../src/kernel-log/crash.js";
import { stripKernelLogPrefix } from "../../src/kernel-log/module-messages.js";
import { diagnoseStep, findIgnoredParameters } from "../../src/vm/step-diagnosis.js";
import { loadStep } from "../../src/vm/plan.js";

const fixture = (name: string) =>
  readFileSync(new URL(`../fixtures/vm/console/${name}`, import.meta.url), "utf8")
    .split("\n")
    .filter(Boolean);
const step = (module: string) => ({ ...loadStep({ name: module, path: `/m/${module}.ko` }), module });

describe("diagnoseStep", () => {
  it("says a module whose init hit WARN_ON loaded, names the function, and gives no host-only hint", () => {
    const lines = fixture("warn-init-6.1.log");
    const parser = new CrashParser();
    for (const line of lines) parser.feed(line, "insmod warnmod");
    const diagnosis = diagnoseStep(step("warnmod"), {
      exitCode: 0,
      output: "",
      kernelLog: lines.map(stripKernelLogPrefix),
      crashes: parser.reports,
    });
    expect(diagnosis).toMatchObject({
      kind: "kernel-warning",
      title: "warnmod loaded, but the kernel reported a WARNING in warnmod_init [warnmod]",
    });
    expect(diagnosis.hint).not.toMatch(/kforge vm|reboot/);
  });

  it("reports the parameter the kernel ignored", () => {
    const kernelLog = fixture("unknown-parameter-6.1.log").map(stripKernelLogPrefix);
    expect(findIgnoredParameters(kernelLog)).toEqual(["nosuch"]);
    const diagnosis = diagnoseStep(step("greet"), { exitCode: 0, output: "", kernelLog, crashes: [] });
    expect(diagnosis).toMatchObject({ kind: "unknown-parameter", detail: "greet: unknown parameter 'nosuch' ignored" });
  });

  it("diagnoses an insmod killed by an oops without telling the user to continue in a VM", () => {
    const kernelLog = fixture("oops-6.1.log").map(stripKernelLogPrefix);
    const diagnosis = diagnoseStep(step("oops"), { exitCode: 137, output: "Killed\n", kernelLog, crashes: [] });
    expect(diagnosis.kind).toBe("crashed");
    expect(diagnosis.hint).not.toMatch(/continue in a VM|kforge vm/);
  });
});
