// Real cold boots of Debian's 6.1 (TCG) with 123 MiB of modules (three of 40 MiB, generated here):
// more than the default 256 MiB guest can unpack (its initramfs goes into a tmpfs capped at half the
// memory). With --memory 256 the run fails with the kernel's reason and the memory to ask for;
// without --memory the guest gets what the initramfs needs, and every step really runs. A step
// whose command the guest cannot write (/tmp full) fails instead of passing empty.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-initramfs-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 40 MiB of read-only data from the assembler (a C array that size takes gcc half a minute).
const bigModule = (name: string) => `#include <linux/module.h>
asm(".pushsection .rodata.${name}_data,\\"a\\"\\n.globl ${name}_data\\n${name}_data: .fill ${40 << 20},1,0x5a\\n.popsection");
extern const char ${name}_data[];
static int __init ${name}_init(void) { pr_info("${name}: first byte %d\\n", ${name}_data[0]); return 0; }
static void __exit ${name}_exit(void) { }
module_init(${name}_init);
module_exit(${name}_exit);
MODULE_LICENSE("GPL");
`;

function createProject(): string {
  const dir = join(root, "big");
  mkdirSync(dir, { recursive: true });
  for (const name of ["blob1", "blob2", "blob3"]) writeFileSync(join(dir, `${name}.c`), bigModule(name));
  writeFileSync(join(dir, "Kbuild"), "obj-m := blob1.o blob2.o blob3.o\n");
  writeFileSync(join(dir, "check.sh"), "grep -c '^blob' /proc/modules\n");
  writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: ["check.sh"] } }));
  return dir;
}

async function vm(dir: string, args: string[]): Promise<{ exitCode: number | null; result: VmResult; stderr: string }> {
  const outcome = await runKforge(["vm", dir, "--json", "--cold", "--kernel", kernel61().release, "--accel", "tcg", ...args], {
    timeoutMs: 170_000,
  });
  try {
    return { exitCode: outcome.exitCode, result: JSON.parse(outcome.stdout) as VmResult, stderr: outcome.stderr };
  } catch {
    throw new Error(`kforge printed no JSON (exit ${outcome.exitCode}):\n${outcome.stdout}\n${outcome.stderr}`);
  }
}

describe("kforge vm --cold with an initramfs too big for the default guest, on Debian 6.1 (TCG)", () => {
  const dir = createProject();

  it("fails with the kernel's reason and the memory to ask for when --memory is too small", { timeout: 180_000 }, async () => {
    const { exitCode, result } = await vm(dir, ["--memory", "256"]);
    expect(exitCode).toBe(1);
    expect(result).toMatchObject({ ok: false, booted: true, end: "initramfs-incomplete", steps: [] });
    expect(result.diagnosis).toContain('the kernel said "Initramfs unpacking failed: write error"');
    expect(result.hint).toMatch(/--memory (\d+)/);
    expect(Number(/--memory (\d+)/.exec(result.hint!)![1])).toBeGreaterThan(256);
    expect(result.skipped.map((step) => step.name)).toEqual([
      "insmod blob1",
      "insmod blob2",
      "insmod blob3",
      "sh ./check.sh",
      "rmmod blob3",
      "rmmod blob2",
      "rmmod blob1",
    ]);
  });

  it("sizes the guest to the initramfs when the memory is not set, and a step that cannot run fails", { timeout: 180_000 }, async () => {
    // The first --exec puts a full one-page tmpfs over /tmp: the next step's command cannot be written down.
    const fill = "mount -t tmpfs -o size=4k tmpfs /tmp && head -c 4096 /dev/zero > /tmp/fill";
    const { result, stderr } = await vm(dir, ["--exec", fill, "--exec", "echo after"]);
    expect(stderr).toMatch(/guest memory: \d+ MiB instead of the default 256, to fit the 123 MiB initramfs/);
    const step = (name: string) => result.steps.find((candidate) => candidate.name === name);
    for (const name of ["blob1", "blob2", "blob3"]) {
      expect(step(`insmod ${name}`)).toMatchObject({ ok: true, exitCode: 0 });
      expect(step(`insmod ${name}`)!.kernelLog).toContain(`${name}: first byte 90`);
    }
    expect(step("sh ./check.sh")).toMatchObject({ ok: true, output: "3\n" });
    expect(step(fill)).toMatchObject({ ok: true });
    expect(step("echo after")).toMatchObject({ ok: false, exitCode: 126 });
    expect(step("echo after")!.output).toContain("could not write this step's command");
    expect(result.ok).toBe(false);
  });
});
