// KUnit suites in generated modules: the kunit template and --with-tests render a <name>_test.c and
// a Kbuild line that builds it only for a kernel with KUnit; real plain-make builds show the suite
// skipped on Debian's stock 6.12 kernel and built, with KUnit's suite section, on the debug kernel.
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { declaresKunitSuite, findKunitSources, isKunitModule } from "../../src/kbuild/kunit-suites.js";
import { run } from "../../src/process/exec.js";
import { planModule } from "../../src/scaffold/plan.js";
import { writePlan } from "../../src/scaffold/write-plan.js";
import { runKforge } from "../helpers/cli.js";
import { debugKernel, kernel612 } from "../helpers/kernels.js";

const SUITE_LINE = "obj-$(if $(CONFIG_KUNIT),m) += demo_test.o";
const plan = (template: string, extra: { withTests?: boolean; license?: string } = {}) =>
  planModule({ name: "demo", template, license: extra.license ?? "GPL", author: "A", withTests: extra.withTests });
const fileOf = (files: { path: string; content: string }[], path: string) => files.find((file) => file.path === path)?.content;

describe("rendering a suite", () => {
  it("the kunit template has a module, its header and a suite that calls the exported function", async () => {
    const { files } = await plan("kunit");
    expect(files.map((file) => file.path)).toEqual([
      ".gitignore",
      "Kbuild",
      "Makefile",
      "README.md",
      "demo.c",
      "demo.h",
      "demo_test.c",
      "kforge.json",
    ]);
    expect(fileOf(files, "Kbuild")).toContain(
      `obj-m := demo.o\n` +
        `# KUnit suites: built only when the kernel has KUnit (CONFIG_KUNIT), so plain make works on any kernel.\n${SUITE_LINE}\n`,
    );
    expect(fileOf(files, "demo.c")).toContain("EXPORT_SYMBOL_GPL(demo_clamp);");
    expect(fileOf(files, "demo_test.c")).toContain("kunit_test_suite(demo_suite);");
    expect(fileOf(files, "README.md")).toContain("`demo_test.o` is a KUnit suite.");
  });

  it("--with-tests adds the suite to a template without one, and keeps it out of a multi-file module's objects", async () => {
    const multi = await plan("multi", { withTests: true });
    const kbuild = fileOf(multi.files, "Kbuild")!;
    expect(kbuild).toContain("demo-y := demo_greet.o demo_main.o\n");
    expect(kbuild).toContain(SUITE_LINE);
    expect(declaresKunitSuite(fileOf(multi.files, "demo_test.c")!)).toBe(true);
    const hello = await plan("hello", { withTests: true });
    expect(hello.files.map((file) => file.path)).toContain("demo_test.c");
    expect(fileOf(hello.files, "Kbuild")).not.toContain("demo-y");
    // Without the flag nothing changes.
    expect(fileOf((await plan("hello")).files, "Kbuild")).not.toContain("KUnit");
  });

  it("--with-tests on the kunit template keeps its own suite, and a suite needs a GPL-compatible license", async () => {
    const kunit = await plan("kunit", { withTests: true });
    expect(fileOf(kunit.files, "demo_test.c")).toContain("demo_clamp_keeps_values_in_range");
    const error = await plan("hello", { withTests: true, license: "Proprietary" }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain("a KUnit suite (--with-tests) uses GPL-only kernel symbols");
    expect((error as UsageError).hint).toContain("leave out --with-tests");
    expect((await plan("hello", { license: "Proprietary" })).files.length).toBeGreaterThan(0);
  });
});

describe("finding suite sources", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "kforge-kunit-sources-"));
    await mkdir(join(dir, "tests"));
    await mkdir(join(dir, ".kforge"));
    await writeFile(join(dir, "main.c"), "static int x;\n");
    await writeFile(join(dir, "tests", "a_test.c"), "kunit_test_suites(&a, &b);\n");
    await writeFile(join(dir, "b.c"), "kunit_test_suite (b_suite);\n");
    await writeFile(join(dir, ".kforge", "copy_test.c"), "kunit_test_suite(x);\n");
    await writeFile(join(dir, "b.mod.c"), "kunit_test_suite(x);\n");
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("lists the .c files that declare suites, skipping kforge's state and kbuild's generated files", async () => {
    expect(await findKunitSources(dir)).toEqual(["b.c", "tests/a_test.c"]);
  });
});

describe("building a --with-tests module with plain make", () => {
  let root: string;
  const built = new Map<string, string[]>();
  const debug = debugKernel();

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "kforge-kunit-build-"));
    const { files } = await plan("multi", { withTests: true });
    for (const [label, kdir] of [
      ["stock", kernel612().kdir],
      ["debug", debug.kdir],
    ] as const) {
      const dir = join(root, label);
      await writePlan(dir, files, { force: false, dryRun: false });
      const result = await run("make", [`KDIR=${kdir}`, "W=1"], { cwd: dir });
      expect(result.exitCode, result.all).toBe(0);
      expect(result.all).not.toMatch(/warning:/i);
      built.set(label, (await readdir(dir)).filter((name) => name.endsWith(".ko")).sort());
    }
  }, 240_000);
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("skips the suite on the stock kernel, which has no KUnit", () => {
    expect(built.get("stock")).toEqual(["demo.ko"]);
  });

  it("builds the suite as its own module on the debug kernel, with KUnit's suite section only in it", async () => {
    expect(built.get("debug")).toEqual(["demo.ko", "demo_test.ko"]);
    expect(await isKunitModule(join(root, "debug", "demo_test.ko"))).toBe(true);
    expect(await isKunitModule(join(root, "debug", "demo.ko"))).toBe(false);
  });

  it("kforge new --with-tests --dry-run lists the suite", async () => {
    const result = await runKforge(["new", "dry", "--with-tests", "--dry-run", "--author", "A"], { cwd: root });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toContain("would create    dry_test.c");
  });
});
