import { existsSync, mkdirSync, mkdtempSync, rmSync, copyFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { fixturePath } from "../helpers/fixtures.js";

const procRoot = mkdtempSync(join(tmpdir(), "kforge-proc-"));
mkdirSync(join(procRoot, "sys/kernel"), { recursive: true });
copyFileSync(fixturePath("module/proc-modules-6.12-guest.txt"), join(procRoot, "modules"));
writeFileSync(join(procRoot, "sys/kernel/tainted"), "12929\n"); // recorded in the same guest after the oops
afterAll(() => rmSync(procRoot, { recursive: true, force: true }));

describe("kforge lsmod", () => {
  it("prints a filtered table", async () => {
    const result = await runKforge(["lsmod", "prov", "--proc-root", procRoot]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe("Module     Size  Used by     State  Taints\nprovider  12288  1 consumer  Live   OE\n");
  });

  it("warns about malformed lines on stderr with their line number and lists them in JSON", async () => {
    const result = await runKforge(["lsmod", "--json", "--file", fixturePath("module/proc-modules-written.txt")]);
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.modules).toHaveLength(6);
    expect(parsed.malformed.map((bad: { line: number }) => bad.line)).toEqual([7, 8, 9, 10, 11]);
    expect(result.stderr).toContain('proc-modules-written.txt:8: state "Sleeping"');
  });

  it("--proc-root without a modules file names the missing file", async () => {
    const empty = mkdtempSync(join(tmpdir(), "kforge-proc-empty-"));
    try {
      const result = await runKforge(["lsmod", "--proc-root", empty]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`error: ${join(empty, "modules")} is missing`);
      expect(result.stderr).not.toContain("cannot load modules");
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it("--file that is not /proc/modules at all: one error, exit 2, no per-line warnings", async () => {
    const result = await runKforge(["lsmod", "--file", "/etc/passwd"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/^kforge: error: \/etc\/passwd is not a \/proc\/modules file: none of its \d+ lines parses/);
    expect(result.stderr).not.toContain("warning:");
  });

  it.skipIf(existsSync("/proc/modules"))("on this kernel without /proc/modules: exit 2 with the VM hint", async () => {
    const result = await runKforge(["lsmod"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("kforge vm");
  });
});

describe("kforge taint", () => {
  it("decodes the recorded value and lists module taints", async () => {
    const result = await runKforge(["taint", "--proc-root", procRoot, "--json"]);
    const parsed = JSON.parse(result.stdout);
    expect(parsed.letters).toBe("PDWOE");
    expect(parsed.modules).toContainEqual({ name: "proprietary", taints: "POE" });
  });

  it("decodes a given number, unknown bits by number, and rejects junk", async () => {
    const result = await runKforge(["taint", String(12288 + 2 ** 22)]);
    expect(result.stdout).toContain("bit 12  O  externally-built");
    expect(result.stdout).toContain("bit 22  ?  unknown");
    expect(result.stdout).toMatch(/^tainted: OE#22 \(4206592\)$/m);
    const bad = await runKforge(["taint", "lots"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"lots" is not a taint value');
  });

  it("plain letters as in the VM report; the kernel's G form only as kernelString in JSON", async () => {
    const text = await runKforge(["taint", "12288"]);
    expect(text.stdout.split("\n")[0]).toBe("tainted: OE (12288)");
    const json = JSON.parse((await runKforge(["taint", "12288", "--json"])).stdout);
    expect(json).toMatchObject({ letters: "OE", kernelString: "GOE" });
  });

  it("a negative value after -- is a usage error, not the running kernel's value", async () => {
    const result = await runKforge(["taint", "--", "-1"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('"-1" is not a taint value');
    const twice = await runKforge(["taint", "1", "--", "2"]);
    expect(twice.exitCode).toBe(2);
    expect(twice.stderr).toContain("kforge taint takes one value, got 2");
  });
});
