// The project model end to end (real kbuild, real boots): every command builds with the same make
// settings and finds each kernel's build at one location, so alternating commands and kernels never
// rebuild needlessly, and the commands that read a build work after a matrix-only build.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { installedKernels, kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "../kbuild/modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) removeDir(dir);
});

const hashOf = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");
const built = (stderr: string) => (/^built: /m.test(stderr) ? "built" : /^modules up to date: /m.test(stderr) ? "up to date" : "neither");

// A parameter whose default comes from a make variable: what the guest reads shows how it was built.
const VARIABLE_MODULE = moduleSource("valued", "static int value = VALUED_VALUE;\nmodule_param(value, int, 0444);\n");

describe("one project model under every command (real kbuild, real boots)", () => {
  it("kforge.json make.variables reach vm as they reach build: same .ko, and build, vm, build runs make once", async () => {
    const dir = track(
      createModuleDir({ Kbuild: "obj-m += valued.o\nccflags-y += -DVALUED_VALUE=$(VALUED)\n", "valued.c": VARIABLE_MODULE }),
    );
    const release = kernel61().release;
    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ kernel: release, make: { variables: { VALUED: "42" } } }));
    const first = await runKforge(["build", dir, "--json"], { timeoutMs: 300_000 });
    expect(first.exitCode, first.stderr).toBe(0);
    expect(JSON.parse(first.stdout).kernels[0].upToDate).toBe(false);
    const fromBuild = hashOf(join(dir, "valued.ko"));

    const vm = await runKforge(["vm", dir, "--json", "--accel", "tcg", "--exec", "cat /sys/module/valued/parameters/value"], {
      timeoutMs: 240_000,
    });
    expect(vm.exitCode, vm.stderr).toBe(0);
    expect(built(vm.stderr)).toBe("up to date");
    const steps = JSON.parse(vm.stdout).steps as { kind: string; output: string }[];
    expect(steps.find((step) => step.kind === "exec")!.output.trim()).toBe("42");
    expect(hashOf(join(dir, "valued.ko"))).toBe(fromBuild);

    const again = await runKforge(["build", dir, "--json"], { timeoutMs: 300_000 });
    expect(JSON.parse(again.stdout).kernels[0].upToDate).toBe(true);
    expect(hashOf(join(dir, "valued.ko"))).toBe(fromBuild);
  }, 600_000);

  it("vm -k A, vm -k B, vm -k A on a two-module project runs make twice in all, each kernel at its own location", async () => {
    const dir = track(
      createModuleDir({ Makefile: "obj-m += first.o second.o\n", "first.c": moduleSource("first"), "second.c": moduleSource("second") }),
    );
    const runs: string[] = [];
    for (const release of [kernel61().release, kernel612().release, kernel61().release]) {
      const result = await runKforge(["vm", dir, "--json", "--accel", "tcg", "--kernel", release], { timeoutMs: 240_000 });
      expect(result.exitCode, result.stderr).toBe(0);
      runs.push(built(result.stderr));
    }
    expect(runs).toEqual(["built", "built", "up to date"]);
    // The module dir holds the first kernel's build; the second kernel's is in its tree.
    const info = async (release: string) =>
      JSON.parse((await runKforge(["info", join(dir, "second.ko"), "--kernel", release, "--json"])).stdout);
    expect(await info(kernel61().release)).toMatchObject({ path: join(dir, "second.ko"), vermagicProblem: null });
    expect(await info(kernel612().release)).toMatchObject({
      path: join(dir, ".kforge", "build", kernel612().release, "second.ko"),
      vermagicProblem: null,
    });
  }, 600_000);

  it("install, dkms check and compile-commands work right after a matrix-only build; --kernel all means the distro kernels", async () => {
    const dir = track(createModuleDir({ Makefile: "obj-m += shipped.o\n", "shipped.c": moduleSource("shipped") }));
    // A kforge-built debug variant in the cache is a kernel the user never asked for.
    const cache = track(mkdtempSync(join(tmpdir(), "kforge-cache-")));
    mkdirSync(join(cache, "kforge", "kernels", "6.12.1-kforge-debug-0123456789"), { recursive: true });
    symlinkSync(kernel612().kdir, join(cache, "kforge", "kernels", "6.12.1-kforge-debug-0123456789", "build"));
    const env = { XDG_CACHE_HOME: cache };
    const matrix = await runKforge(["build", dir, "--kernel", "all", "--json"], { env, timeoutMs: 300_000 });
    expect(matrix.exitCode, matrix.stderr).toBe(0);
    const releases = (JSON.parse(matrix.stdout).kernels as { release: string }[]).map((kernel) => kernel.release).sort();
    expect(releases).toEqual(
      installedKernels()
        .map((kernel) => kernel.release)
        .sort(),
    );

    const release = kernel612().release;
    const stage = track(mkdtempSync(join(tmpdir(), "kforge-stage-")));
    const install = await runKforge(["install", dir, "--kernel", release, "--destdir", stage], { env, timeoutMs: 120_000 });
    expect(install.exitCode, install.stderr).toBe(0);
    expect(install.stdout).toContain(join(stage, "lib", "modules", release, "updates", "shipped.ko"));

    writeFileSync(join(dir, "kforge.json"), JSON.stringify({ package: { name: "shipped", version: "1.0" } }));
    const init = await runKforge(["dkms", "init", dir], { env });
    expect(init.exitCode, init.stderr).toBe(0);
    const check = await runKforge(["dkms", "check", dir], { env });
    expect(check.exitCode, check.stderr).toBe(0);
    expect(check.stdout).toContain("dkms.conf matches the modules the project builds");

    const commands = await runKforge(["compile-commands", dir, "--kernel", release], { env });
    expect(commands.exitCode, commands.stderr).toBe(0);
    const entries = JSON.parse(readFileSync(join(dir, "compile_commands.json"), "utf8")) as { file: string; command: string }[];
    expect(entries.map((entry) => entry.file)).toEqual([join(dir, "shipped.c")]);
    expect(entries[0]!.command).toContain(join(dir, "shipped.c"));
  }, 600_000);
});
