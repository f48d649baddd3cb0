// `kforge watch --host` preflight, through the real CLI: on this machine (no module support) it
// fails before building with the "use the VM" diagnosis; --host with --vm is a usage error.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";

const dir = mkdtempSync(join(tmpdir(), "kforge-watch-host-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("kforge watch --host", () => {
  it.skipIf(existsSync("/proc/modules"))("on a kernel without module support says so and points at --vm", async () => {
    const result = await runKforge(["watch", "--host", "--json", dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("the running kernel cannot load modules");
    expect(result.stderr).toContain("kforge vm");
    const last = JSON.parse(result.stdout.trim().split("\n").at(-1)!);
    expect(last).toMatchObject({ event: "error" });
    expect(last.message).toContain("cannot load modules");
  });

  it("refuses --host together with --vm", async () => {
    const result = await runKforge(["watch", "--host", "--vm", dir]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("--host and --vm cannot be used together");
  });
});
