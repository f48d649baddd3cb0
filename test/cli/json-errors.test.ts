// --json keeps its promise on failures too: exactly one JSON object on stdout, the human error on stderr.
import { describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";

function parseSingleJsonLine(stdout: string): { ok: boolean; error: { message: string; hint: string | null } } {
  const lines = stdout.trim().split("\n");
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!);
}

describe("--json errors", () => {
  it("prints an error object for a command's own usage error (kernels --kdir /tmp)", async () => {
    const result = await runKforge(["kernels", "--json", "--kdir", "/tmp"]);
    expect(result.exitCode).toBe(2);
    expect(parseSingleJsonLine(result.stdout)).toEqual({
      ok: false,
      error: { message: "--kdir: /tmp has no Makefile", hint: expect.stringContaining("--kdir") },
    });
    expect(result.stderr).toContain("kforge: error: --kdir: /tmp has no Makefile");
  });

  it("prints an error object for a commander usage error (build --json -j abc)", async () => {
    const result = await runKforge(["build", "--json", "-j", "abc"]);
    expect(result.exitCode).toBe(2);
    const { ok, error } = parseSingleJsonLine(result.stdout);
    expect(ok).toBe(false);
    expect(error.message).toContain('--jobs must be a positive whole number, got "abc"');
    expect(error.hint).toContain("--help");
    expect(result.stderr).toContain("--jobs must be a positive whole number");
  });

  it("prints an error object for info on a missing file, and nothing extra where the command wrote its own", async () => {
    const info = await runKforge(["info", "--json", "/nonexistent/x.ko"]);
    expect(info.exitCode).not.toBe(0);
    expect(parseSingleJsonLine(info.stdout).ok).toBe(false);
    // build already writes its own error object for an unknown kernel: still exactly one line.
    const build = await runKforge(["build", "--json", "-k", "5.99.0-1-amd64"], { cwd: "/tmp" });
    expect(build.exitCode).toBe(2);
    expect(parseSingleJsonLine(build.stdout).ok).toBe(false);
  });

  it("prints nothing on stdout without --json", async () => {
    const result = await runKforge(["kernels", "--kdir", "/tmp"]);
    expect(result.exitCode).toBe(2);
    expect(result.stdout).toBe("");
  });
});

describe("empty option values", () => {
  it.each([
    [["doctor", "-k", ""], "--kernel needs a value"],
    [["doctor", "--kdir", ""], "--kdir needs a value"],
    [["kernels", "--kdir", ""], "--kdir needs a value"],
    [["new", "demo", "-d", ""], "--dir needs a value"],
  ])("rejects %j with a usage error", async (args, message) => {
    const result = await runKforge(args, { cwd: "/tmp" });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
  });
});
