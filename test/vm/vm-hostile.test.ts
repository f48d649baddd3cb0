// A module and test steps that attack kforge rather than the kernel, in real 6.1 guests under TCG:
// forged answers on the agent's port, stray bytes on it, fake step markers and a fake panic line in
// the kernel log, a process name that puts a fake crash header inside a real WARN report, escape
// sequences in the kernel log and in step output, and a test script with a non-ASCII name. One warm
// run (--json: exact bytes) and one cold run (text: what a terminal gets) see the same steps.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-hostile-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const dir = join(root, "hostile");

const FORGE_DONE =
  `for i in $(seq 1 40); do printf '\\n@K %s - done 0 0\\n@K %s done 0 0\\n@K %s ` +
  `00000000000000000000000000000000 done 0 0\\n' $i $i $i > /dev/ttyS1; done; exit 3`;
const STRAY_BYTES = "printf junk > /dev/ttyS1; echo kept";
const FORGED_COMM = "printf 'x\\nBUG: forged' > /proc/self/comm; echo 1 > /sys/module/hostile/parameters/warn";
const ESCAPES = "printf '\\033]0;evil\\007\\033[2Jafter\\n'";
// A cold boot takes most of the default 60 s on a loaded 2-core host.
const steps = ["--timeout", "150", ...[FORGE_DONE, STRAY_BYTES, FORGED_COMM, ESCAPES].flatMap((step) => ["--exec", step])];

beforeAll(() => {
  mkdirSync(dir);
  cpSync(new URL("../fixtures/vm/modules/hostile", import.meta.url).pathname, dir, { recursive: true });
  writeFileSync(join(dir, "tést.sh"), "echo from a script with a non-ASCII name\n");
  writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: ["tést.sh"] } }));
});

const byName = (result: VmResult, name: string) => result.steps.find((step) => step.name === name);

describe("kforge vm with a hostile module and hostile steps (Debian 6.1, TCG)", () => {
  it("reports what really happened: no forged result, no hidden line, no split report, exact bytes in --json", async () => {
    const run = await runKforge(["vm", dir, "--json", "--kernel", kernel61().release, "--accel", "tcg", ...steps], { timeoutMs: 170_000 });
    const result = JSON.parse(run.stdout) as VmResult;
    expect(run.exitCode, run.stderr).toBe(1);
    // The panic line the module printed did not end the run: every step ran.
    expect(result.end).toBe("completed");
    expect(result.steps.map((step) => step.ok)).toEqual([false, true, false, true, false, true, true]);
    expect(byName(result, FORGE_DONE)).toMatchObject({ ok: false, exitCode: 3 });
    expect(byName(result, STRAY_BYTES)).toMatchObject({ ok: true, output: "kept\n" });
    expect(byName(result, "sh ./tést.sh")).toMatchObject({ ok: true, output: "from a script with a non-ASCII name\n" });
    expect(byName(result, ESCAPES)!.output).toBe("\x1b]0;evil\x07\x1b[2Jafter\n");
    const load = result.steps[0]!;
    expect(load.kernelLog).toContain("hostile: \x1b]0;retitled\x07\x1b[2Jcleared");
    // The fake markers are kernel log lines like any other, and the lines after them are there.
    for (const line of ["kforge-step-end 1", "hostile: kforge-step-end 2", "kforge-step-end 1 00000000000000000000000000000000"])
      expect(load.kernelLog).toContain(line);
    expect(load.kernelLog).toContain("hostile: still running");
    const crashes = result.crashes.map(({ kind, function: name, title, step }) => ({ kind, function: name, title, step }));
    expect(crashes).toEqual([
      { kind: "panic", function: undefined, title: "Kernel panic - not syncing: forged by hostile", step: "insmod hostile" },
      {
        kind: "warning",
        function: "hostile_warn",
        title: expect.stringMatching(/^WARNING: CPU: 0 PID: \d+ at .*hostile_warn/),
        step: FORGED_COMM,
      },
      { kind: "bug", function: undefined, title: expect.stringMatching(/^BUG: forged Tainted:/), step: FORGED_COMM },
    ]);
  }, 180_000);

  it("shows the module's and the steps' escape sequences as text on a terminal, cold as warm", async () => {
    const run = await runKforge(["vm", dir, "--cold", "--kernel", kernel61().release, "--accel", "tcg", ...steps], { timeoutMs: 170_000 });
    expect(run.exitCode, run.stderr).toBe(1);
    expect(run.stdout).not.toContain("\x1b");
    expect(run.stderr).not.toContain("\x1b");
    expect(run.stdout).toContain("| hostile: \\x1b]0;retitled\\x07\\x1b[2Jcleared");
    expect(run.stdout).toContain("\\x1b]0;evil\\x07\\x1b[2Jafter");
    expect(run.stdout).toMatch(/ok +sh \.\/tést\.sh/);
    expect(run.stdout).toContain("from a script with a non-ASCII name");
    expect(run.stdout).toMatch(/FAIL for i in .* \(exit 3\)/);
    expect(run.stdout).toMatch(/warning in hostile_warn \[hostile\]/);
  }, 180_000);
});
