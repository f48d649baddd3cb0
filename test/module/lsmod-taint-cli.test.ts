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
    expect(result.stderr).toContain("proc-modules-written.txt:8: state \"Sleeping\"");
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
    const bad = await runKforge(["taint", "lots"]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"lots" is not a taint value');
  });
});
