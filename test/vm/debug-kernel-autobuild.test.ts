// `--debug` builds the debug kernel it needs. A V4L2 driver needs videodev and mc, which the plain
// debug kernel lacks: `vm --debug` builds the driver for the stock kernel to learn that, builds the
// project's variant of the debug kernel (real make, starting from a copy of the plain kernel's
// objects in a private cache), boots it and loads videodev and mc from it; the next run reuses it.
// Also the failure path: no apt-get to fetch the source with. (Resuming an interrupted kernel build
// is kernel-build.test.ts's.)
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { debugKernel, kernel612 } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-debug-autobuild-"));
afterAll(() => execFileSync("rm", ["-rf", root]));
const repo = new URL("../..", import.meta.url).pathname;

function copyProject(from: string, name: string): string {
  const dir = join(root, name);
  cpSync(from, dir, { recursive: true });
  return dir;
}

describe("--debug builds the debug kernel it needs", () => {
  it("builds a V4L2 driver's variant of the debug kernel with videodev and mc, boots it, then reuses it", {
    timeout: 900_000,
  }, async () => {
    const shared = debugKernel();
    const cache = join(root, "cache");
    const kernels = join(cache, "kforge", "kernels");
    mkdirSync(kernels, { recursive: true });
    // Timestamps kept, so make redoes only what the variant's options touch; build/source still
    // names the shared source, which make only reads.
    execFileSync("cp", ["-a", dirname(shared.kdir), join(kernels, shared.release)]);
    const project = copyProject(join(repo, "test/fixtures/guest-kernel/v4l2demo"), "v4l2demo");
    // The KASAN videodev is 1.1 MB over the serial port: more than the default 60 s run on a busy host.
    const args = ["vm", project, "--debug", "--kernel", kernel612().release, "--accel", "tcg", "--json", "--timeout", "300"];
    const first = await runKforge(args, { env: { XDG_CACHE_HOME: cache }, timeoutMs: 880_000 });
    expect(first.exitCode, `${first.stderr}\n${first.stdout}`).toBe(0);
    expect(first.stderr).toContain(`building it now, as kforge kernel build 6.12 --debug --for ${project} would`);
    expect(first.stderr).toContain(`starting from a copy of ${shared.release}'s objects`);
    const result = JSON.parse(first.stdout);
    expect(result.release).toMatch(new RegExp(`^${shared.release.replaceAll(".", "\\.")}-[0-9a-f]{8}$`));
    expect(result).toMatchObject({ ok: true, end: "completed", crashes: [] });
    expect(result.notices.join("\n")).toMatch(/in-tree modules .* needs \((mc, videodev|videodev, mc)\): .*, built just now/);
    const loads = result.steps.filter((step: { kind: string }) => step.kind === "load");
    expect(loads.map((step: { module: string }) => step.module)).toEqual(["mc", "videodev", "v4l2demo"]);
    const console = readFileSync(join(project, ".kforge/logs", result.release, "vm-console.log"), "utf8");
    expect(console).toMatch(/v4l2demo: registered video\d+/);
    expect(readFileSync(join(kernels, result.release, "build", ".config"), "utf8")).toMatch(/^CONFIG_VIDEO_DEV=m$/m);

    const second = await runKforge(args, { env: { XDG_CACHE_HOME: cache }, timeoutMs: 320_000 });
    expect(second.exitCode, `${second.stderr}\n${second.stdout}`).toBe(0);
    expect(second.stderr).not.toContain("building it now");
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, release: result.release });
  });

  it("vm, test and watch --debug exit 2 saying what failed when the kernel cannot be built", async () => {
    const project = copyProject(join(repo, "examples", "example_hello"), "no-tools");
    const env = { XDG_CACHE_HOME: join(root, "empty-cache"), PATH: join(root, "no-tools-on-path") };
    for (const args of [
      ["vm", project],
      ["test", project, "--vm"],
      ["watch", project, "--vm"],
    ]) {
      const run = await runKforge([...args, "--debug", "--kernel", kernel612().release], { env });
      expect(run.exitCode, `${args[0]}: ${run.stderr}`).toBe(2);
      expect(run.stderr).toContain("building it now, as kforge kernel build 6.12 --debug would");
      expect(run.stderr).toContain("apt-get is not available to download the kernel source");
      expect(run.stderr).toContain("--source");
    }
  });
});
