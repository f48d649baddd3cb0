// A V4L2-style driver on the debug kernel: `kforge kernel build --for <project>` finds that the driver
// needs videodev (from the distro 6.12 kernel's modules), builds a project variant of the debug kernel
// with the media options (from a copy of the shared debug kernel's objects, nice'd, in a private
// cache), and the driver then builds against it and loads in a real TCG guest.
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { VmResult } from "../../src/vm/report.js";
import { KFORGE_BIN, runKforge, type CliResult } from "../helpers/cli.js";
import { debugKernel, kernel612, releasePattern } from "../helpers/kernels.js";

const root = mkdtempSync(join(tmpdir(), "kforge-v4l2-variant-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const base = debugKernel();
const source = readlinkSync(join(base.kdir, "source"));
const cache = join(root, "cache");
mkdirSync(join(cache, "kforge", "kernels"), { recursive: true });
// Read only: the variant is seeded from a copy of its objects.
symlinkSync(dirname(base.kdir), join(cache, "kforge", "kernels", base.release));
const env = { XDG_CACHE_HOME: cache };
const project = join(root, "v4l2demo");
cpSync(new URL("../fixtures/kernel-build/v4l2demo", import.meta.url).pathname, project, { recursive: true });

// The kernel build shares two cores with everything else: nice'd.
function niceKernelBuild(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("nice", ["-n", "10", process.execPath, KFORGE_BIN, "kernel", "build", ...args], { env: { ...process.env, CI: "true", NO_COLOR: "1", ...env } });
    let [stdout, stderr] = ["", ""];
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
}

describe("a V4L2 driver on a project variant of the debug kernel", () => {
  it("builds the variant with videodev and loads the driver on it in a guest", { timeout: 3_600_000 }, async () => {
    const stock = await runKforge(["build", project, "--kernel", kernel612().release], { env });
    expect(stock.exitCode, stock.stderr).toBe(0);

    const built = await niceKernelBuild(["--source", source, "--debug", "--for", project, "--json"]);
    expect(built.exitCode, built.stderr).toBe(0);
    const variant = JSON.parse(built.stdout);
    expect(variant.release).toMatch(new RegExp(`^${releasePattern(base.release)}-[0-9a-f]{8}$`));
    expect(built.stderr).toContain(`starting from a copy of ${base.release}'s objects`);
    const fragment = (await runKforge(["kernel", "config", variant.release, "--fragment"], { env })).stdout;
    expect(fragment).toContain("CONFIG_MEDIA_SUPPORT=m\n");
    expect(fragment).toContain("CONFIG_VIDEO_DEV=m\n");
    expect(readFileSync(join(variant.modulesDir, "modules.dep"), "utf8")).toMatch(/drivers\/media\/v4l2-core\/videodev\.ko:/);

    const vm = await runKforge(["vm", project, "--kernel", variant.release, "--accel", "tcg", "--cold", "--timeout", "240", "--json"], { env, timeoutMs: 900_000 });
    const result = JSON.parse(vm.stdout) as VmResult;
    expect(vm.exitCode, `${vm.stderr}\n${result.diagnosis ?? ""}\n${result.consoleLog ?? ""}`).toBe(0);
    expect(result.release).toBe(variant.release);
    const load = result.steps.find((step) => step.kind === "load" && step.module === "v4l2demo");
    expect(load?.ok).toBe(true);
    expect(result.steps.flatMap((step) => step.kernelLog).join("\n")).toMatch(/v4l2demo: registered video\d+/);
    expect(result.crashes).toEqual([]);

    const again = await niceKernelBuild(["--source", source, "--debug", "--for", project, "--json"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ release: variant.release, upToDate: true });
  });
});
