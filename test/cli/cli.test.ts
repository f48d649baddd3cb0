import { describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";

describe("the kforge command line", () => {
  it("prints its version and help", async () => {
    const version = await runKforge(["--version"]);
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = await runKforge(["--help"]);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain("kernels");
    const commandHelp = await runKforge(["kernels", "--help"]);
    expect(commandHelp.stdout).toContain("--json");
  });

  it("exits 2 on an unknown option or command", async () => {
    const result = await runKforge(["kernels", "--bogus"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown option");
    expect((await runKforge(["frobnicate"])).exitCode).toBe(2);
  });

  it("lists the installed kernels as JSON", async () => {
    const result = await runKforge(["kernels", "--json"]);
    expect(result.exitCode).toBe(0);
    const { kernels } = JSON.parse(result.stdout);
    const old = kernels.find((kernel: { release: string }) => kernel.release === kernel61().release);
    expect(old).toMatchObject({ kdir: kernel61().kdir, isRunning: false, signing: { enabled: true, hash: "sha256" } });
    expect(old.compiler.kernel).toContain("gcc-12");
    expect(old.compiler.host).toContain("12.2.0");
    expect(old.compiler.mismatch).toBe(false);
    const recent = kernels.find((kernel: { release: string }) => kernel.release === kernel612().release);
    expect(recent.vmlinuz).toBe(`/boot/vmlinuz-${kernel612().release}`);
  });

  it("rejects a --kdir that is not a build tree with exit 2 and a hint", async () => {
    const result = await runKforge(["kernels", "--kdir", "/tmp"]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("kforge: error: --kdir: /tmp has no Makefile");
    expect(result.stderr).toContain("hint:");
  });

  it("doctor reports the build path ready, with the missing module support explained", async () => {
    const result = await runKforge(["doctor", "--json", "--kernel", kernel61().release]);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    const headers = report.checks.find((check: { name: string }) => check.name === "headers");
    expect(headers.detail).toContain(kernel61().release);
    const modules = report.checks.find((check: { name: string }) => check.name === "module support");
    expect(modules.ok).toBe(false);
    expect(modules.fix).toContain("kforge vm");
  });

  it("doctor fails with the install command when the kernel's headers are missing", async () => {
    const result = await runKforge(["doctor", "-k", "5.99.0-1-amd64"]);
    expect(result.exitCode).toBe(1);
    // The closing summary repeats exactly what to install.
    expect(result.stdout).toMatch(
      /The build path is not ready\. To fix it:\n {2}headers: .*apt-get install linux-headers-5\.99\.0-1-amd64\n$/,
    );
  });
});
