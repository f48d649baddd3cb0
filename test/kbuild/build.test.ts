// Real kbuild runs against the installed 6.1 and 6.12 headers, asserting on the real .ko files.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collectArtifacts } from "../../src/kbuild/artifacts.js";
import { buildModules, type BuildEvent } from "../../src/kbuild/build-modules.js";
import { UsageError } from "../../src/errors.js";
import { runKforge } from "../helpers/cli.js";
import { readVermagic } from "../../src/module/modinfo.js";
import { kernel61, kernel612 } from "../helpers/kernels.js";
import { createModuleDir, moduleSource, removeDir } from "./modules.js";

const dirs: string[] = [];
const track = (dir: string) => {
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach(removeDir));

describe.each([
  ["6.1", kernel61],
  ["6.12", kernel612],
])("building for %s", (_version, kernel) => {
  it("builds a Kbuild module with a local header into a .ko whose vermagic is the kernel release", async () => {
    const dir = track(
      createModuleDir({
        Kbuild: "obj-m += hello.o\n",
        "hello.h": "#define HELLO 1\n",
        "hello.c": moduleSource("hello", '#include "hello.h"\n'),
      }),
    );
    const events: BuildEvent[] = [];
    const result = await buildModules({ dir, kernel: kernel(), onEvent: (event) => events.push(event) });
    expect(result).toMatchObject({ ok: true, upToDate: false, exitCode: 0, interrupted: false, diagnostics: [] });
    expect(result.artifacts).toHaveLength(1);
    const [artifact] = result.artifacts;
    expect(artifact).toMatchObject({ module: "hello", path: join(dir, "hello.ko") });
    expect(artifact!.size).toBeGreaterThan(1000);
    expect(artifact!.vermagic!.split(" ")[0]).toBe(kernel().release);
    expect(await readVermagic(join(dir, "hello.ko"))).toBe(artifact!.vermagic);
    expect(events.filter((event) => event.kind === "step").map((event) => event.kind === "step" && event.step)).toEqual(
      expect.arrayContaining(["CC [M]", "MODPOST", "LD [M]"]),
    );
    const log = readFileSync(result.log, "utf8");
    expect(result.log).toBe(join(dir, ".kforge", "logs", kernel().release, "build.log"));
    expect(log).toContain(`make -C ${kernel().kdir} M=${dir}`);
    expect(log).toContain("LD [M]");
    expect(log).toMatch(/# exit code 0\n# elapsed: \d+\.\d\d s\n$/);
  });

  it("builds several modules from an obj-m Makefile and finds each through modules.order", async () => {
    const makefile =
      "ifneq ($(KERNELRELEASE),)\nobj-m += first.o second-mod.o\nelse\nall:\n" +
      "\t$(MAKE) -C /lib/modules/$(shell uname -r)/build M=$(CURDIR) modules\nendif\n";
    const dir = track(
      createModuleDir({
        Makefile: makefile,
        "first.c": moduleSource("first"),
        "second-mod.c": moduleSource("second"),
        "decoy.ko": "not built by kbuild",
      }),
    );
    const result = await buildModules({ dir, kernel: kernel() });
    expect(result.ok).toBe(true);
    expect(result.artifacts.map((artifact) => [artifact.module, artifact.path])).toEqual([
      ["first", join(dir, "first.ko")],
      ["second_mod", join(dir, "second-mod.ko")],
    ]);
  });

  it("reports a C syntax error as a diagnostic, exit code and no artifact", async () => {
    const dir = track(
      createModuleDir({ Kbuild: "obj-m += broken.o\n", "broken.c": moduleSource("broken", "static int broken_value = 1\n") }),
    );
    const result = await buildModules({ dir, kernel: kernel() });
    expect(result.ok).toBe(false);
    expect(result.exitCode).not.toBe(0);
    expect(result.artifacts).toEqual([]);
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", file: "broken.c", line: 5 });
    expect(readFileSync(result.log, "utf8")).toMatch(/# exit code 2/);
  });

  it("reports a missing MODULE_LICENSE from modpost", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += nolicense.o\n", "nolicense.c": moduleSource("nolicense", "", false) }));
    const result = await buildModules({ dir, kernel: kernel() });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: "error", origin: "modpost", message: expect.stringContaining("missing MODULE_LICENSE()") }),
    ]);
  });
});

describe("build input errors (6.1)", () => {
  it("refuses a dir without Kbuild or Makefile with a usage error that suggests kforge new", async () => {
    const dir = track(createModuleDir({ "hello.c": moduleSource("hello") }));
    const attempt = buildModules({ dir, kernel: kernel61() });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toMatchObject({ hint: expect.stringContaining("kforge new") });
  });

  it("turns a broken Makefile into make's own error, with the line", async () => {
    const dir = track(createModuleDir({ Makefile: "obj-m += ok.o\nifeq (\n", "ok.c": moduleSource("ok") }));
    const result = await buildModules({ dir, kernel: kernel61() });
    expect(result.ok).toBe(false);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ origin: "make", file: "Makefile", line: 2, message: "invalid syntax in conditional" }),
    ]);
  });

  it("fails with --werror on a warning, and passes without it", async () => {
    const dir = track(
      createModuleDir({
        Kbuild: "obj-m += warn.o\n",
        "warn.c": moduleSource("warn", "static int unused_value __attribute__((unused));\nstatic void warn_me(void) { int unused; }\n"),
      }),
    );
    const strict = await buildModules({ dir, kernel: kernel61(), werror: true });
    expect(strict.diagnostics.some((diagnostic) => diagnostic.severity === "warning")).toBe(true);
    expect(strict.ok).toBe(false);
    const relaxed = await buildModules({ dir, kernel: kernel61(), force: true });
    expect(relaxed.ok).toBe(true);
  });

  it("calls a module listed in modules.order but missing an error", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += gone.o\n", "gone.c": moduleSource("gone") }));
    expect((await buildModules({ dir, kernel: kernel61() })).ok).toBe(true);
    rmSync(join(dir, "gone.ko"));
    const scan = await collectArtifacts(dir);
    expect(scan.artifacts).toEqual([]);
    expect(scan.problems[0]!.message).toMatch(/make exited 0 but gone\.ko, listed in modules\.order, was not built/);
  });

  it("blames a damaged .ko on the file, not make, and --force relinks it while keeping sources and unlisted files", async () => {
    const dir = track(
      createModuleDir({ Kbuild: "obj-m += hello1.o\n", "hello1.c": moduleSource("hello1"), "other.ko": "not listed in modules.order" }),
    );
    expect((await buildModules({ dir, kernel: kernel61() })).ok).toBe(true);
    truncateSync(join(dir, "hello1.ko"), 5000);
    const damaged = await buildModules({ dir, kernel: kernel61() });
    expect(damaged.ok).toBe(false);
    expect(damaged.diagnostics).toEqual([
      expect.objectContaining({
        origin: "kforge",
        file: "hello1.ko",
        message: expect.stringMatching(/^hello1\.ko is damaged: truncated file/),
        hint: "run kforge build --force (or kforge clean) to rebuild it",
      }),
    ]);
    const forced = await buildModules({ dir, kernel: kernel61(), force: true });
    expect(forced).toMatchObject({ ok: true, diagnostics: [] });
    expect(statSync(join(dir, "hello1.ko")).size).toBeGreaterThan(5000);
    expect(await readVermagic(join(dir, "hello1.ko"))).toMatch(new RegExp(`^${kernel61().release} `));
    expect(readFileSync(join(dir, "other.ko"), "utf8")).toBe("not listed in modules.order");
    expect(existsSync(join(dir, "hello1.c"))).toBe(true);
  });

  it("refuses a module dir whose path contains a space before make runs", async () => {
    const parent = track(createModuleDir({}));
    const dir = join(parent, "my module");
    mkdirSync(dir);
    writeFileSync(join(dir, "Kbuild"), "obj-m += spaced.o\n");
    writeFileSync(join(dir, "spaced.c"), moduleSource("spaced"));
    const attempt = buildModules({ dir, kernel: kernel61() });
    await expect(attempt).rejects.toBeInstanceOf(UsageError);
    await expect(attempt).rejects.toMatchObject({
      message: expect.stringContaining(`"${dir}"`),
      hint: expect.stringContaining("move or rename the directory"),
    });
    expect(existsSync(join(dir, ".kforge"))).toBe(false);
  });

  it("refuses a module dir whose path holds a character kbuild reads as syntax ($, ;, #, :, quotes), before make runs", async () => {
    const parent = track(createModuleDir({}));
    for (const [name, shown] of [
      ["price$5", '"$"'],
      ["a;b", '";"'],
      ["c#d", '"#"'],
      ["it's", `"'"`],
    ]) {
      const dir = join(parent, name!);
      mkdirSync(dir);
      writeFileSync(join(dir, "Kbuild"), "obj-m += odd.o\n");
      writeFileSync(join(dir, "odd.c"), moduleSource("odd"));
      const result = await runKforge(["build", dir, "--kernel", kernel61().release]);
      expect(result.exitCode).toBe(2);
      expect(result.stderr).toContain(`kforge: error: kbuild cannot build a module dir whose path contains ${shown}: "${dir}"`);
      expect(result.stderr).not.toContain("missing separator");
      expect(existsSync(join(dir, ".kforge"))).toBe(false);
    }
  });

  it("rejects a kernel tree that does not exist", async () => {
    const dir = track(createModuleDir({ Kbuild: "obj-m += a.o\n", "a.c": moduleSource("a") }));
    writeFileSync(join(dir, "a.h"), "");
    await expect(buildModules({ dir, kernel: { release: "9.9.9-none", kdir: join(dir, "no-kernel") } })).rejects.toMatchObject({
      hint: expect.stringContaining("linux-headers-9.9.9-none"),
    });
    expect(existsSync(join(dir, ".kforge"))).toBe(false);
  });
});
