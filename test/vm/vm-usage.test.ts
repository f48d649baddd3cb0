// Usage errors of kforge vm found before anything boots, through the real CLI.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-vm-usage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("kforge vm usage errors", () => {
  it("refuses too little guest memory up front, from the flag or from kforge.json", async () => {
    const flag = await runKforge(["vm", root, "--memory", "16", "--json"]);
    expect(flag.exitCode).toBe(2);
    expect(JSON.parse(flag.stdout).error.message).toMatch(/--memory 16 is too little memory .* at least 128 MiB/);
    const dir = join(root, "config-memory");
    cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { memory: 64 } }));
    const config = await runKforge(["vm", dir]);
    expect(config.exitCode).toBe(2);
    expect(config.stderr).toMatch(/kforge\.json vm\.memory 64 is too little/);
    expect(config.stderr).not.toMatch(/built:|modules up to date/);
  });

  it("refuses a vm.test script whose name a guest step cannot run, the same way cold and warm, without booting", async () => {
    const dir = join(root, "odd-script");
    cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
    writeFileSync(join(dir, "a$b.sh"), "echo hi\n");
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ vm: { test: ["a$b.sh"] } }));
    for (const start of [["--cold"], []]) {
      const run = await runKforge(["vm", dir, "--kernel", kernel61().release, "--accel", "tcg", ...start]);
      expect(run.exitCode, start.join(" ")).toBe(2);
      expect(run.stderr).toContain("kforge: error: vm.test script a$b.sh: its name has characters a guest step cannot run");
      expect(run.stderr).not.toContain("booted");
    }
  });

  it("refuses a module parameter the module does not declare, listing the ones it has, without booting", async () => {
    const dir = join(root, "greet");
    cpSync(new URL("../fixtures/vm/modules/greet", import.meta.url).pathname, dir, { recursive: true });
    const run = await runKforge(["vm", dir, "--kernel", kernel61().release, "--accel", "tcg", "--json", "--", "nosuch=1"]);
    expect(run.exitCode).toBe(2);
    const { error } = JSON.parse(run.stdout);
    expect(error.message).toMatch(/greet has no parameter "nosuch"/);
    expect(error.hint).toContain("count (int)");
    expect(error.hint).toContain("who (charp)");
  }, 60_000);
});
