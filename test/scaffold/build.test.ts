// Slow: every template is generated, built for 6.1 and 6.12 by `kforge build --warnings 1 --werror`
// and by the generated Makefile alone (plain make, no kforge), and its .modinfo is read back.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { allValues, firstValue, openModuleFile } from "../../src/module/modinfo.js";
import { run, type RunResult } from "../../src/process/exec.js";
import { planModule, type ModulePlan } from "../../src/scaffold/plan.js";
import { listTemplates } from "../../src/scaffold/templates.js";
import { writePlan } from "../../src/scaffold/write-plan.js";
import { runKforge, type CliResult } from "../helpers/cli.js";
import { kernel61, kernel612, type TestKernel } from "../helpers/kernels.js";

// Everything C string escaping has to get right, as a user might type it.
const DESCRIPTION = `Says "hi" and 'bye'; C:\\path\\n is not a newline, ??= is no trigraph, 100% café ünï 😀\ttab\nsecond line`;
const AUTHOR = `Zoë O'Brien "zob" \\ <zob@example.org>`;

const kernels: TestKernel[] = [kernel61(), kernel612()];
const catalogue = await listTemplates();
const templates = catalogue.map((template) => template.name);
const userPrograms = (template: string) => catalogue.find((item) => item.name === template)!.userPrograms;
const cases = templates.flatMap((template) => kernels.map((kernel) => ({ template, kernel, label: `${template} on ${kernel.release}` })));

let root: string;
const plans = new Map<string, ModulePlan>();
const kforgeBuilds = new Map<string, CliResult>();
const plainBuilds = new Map<string, RunResult>();

const moduleName = (template: string) => `scaffold_${template}`;
const buildDir = (kind: "kforge" | "plain", template: string, kernel: TestKernel) => join(root, kind, `${template}-${kernel.release}`);

async function generate(template: string): Promise<void> {
  const plan = await planModule({ name: moduleName(template), template, license: "GPL", author: AUTHOR, description: DESCRIPTION });
  plans.set(template, plan);
  for (const kernel of kernels) {
    await writePlan(buildDir("kforge", template, kernel), plan.files, { force: false, dryRun: false });
    await writePlan(buildDir("plain", template, kernel), plan.files, { force: false, dryRun: false });
  }
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-scaffold-build-"));
  await Promise.all(templates.map(generate));
  const started = performance.now();
  await Promise.all(
    cases.map(async ({ template, kernel, label }) => {
      const args = ["build", buildDir("kforge", template, kernel), "--kernel", kernel.release, "--warnings", "1", "--werror", "--json"];
      kforgeBuilds.set(label, await runKforge(args));
    }),
  );
  const kforgeMs = performance.now() - started;
  await Promise.all(
    cases.map(async ({ template, kernel, label }) => {
      plainBuilds.set(label, await run("make", [`KDIR=${kernel.kdir}`, "W=1"], { cwd: buildDir("plain", template, kernel) }));
    }),
  );
  // Measured, not asserted (speed belongs in bench/): shows what the 24 builds cost.
  console.log(
    `scaffold builds: ${cases.length} kforge builds ${Math.round(kforgeMs)} ms, ${cases.length} ` +
      `plain make builds ${Math.round(performance.now() - started - kforgeMs)} ms`,
  );
}, 300_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function checkModinfo(path: string, template: string): Promise<void> {
  const { modinfo } = await openModuleFile(path);
  expect(firstValue(modinfo, "name")).toBe(moduleName(template));
  expect(firstValue(modinfo, "license")).toBe("GPL");
  expect(firstValue(modinfo, "author")).toBe(AUTHOR);
  expect(firstValue(modinfo, "description")).toBe(DESCRIPTION);
  if (template === "params") {
    const parameters = allValues(modinfo, "parmtype");
    expect(parameters.sort()).toEqual(["count:int", "greeting:charp", "values:array of int", "verbose:bool"]);
    expect(allValues(modinfo, "parm")).toContain('greeting:The text to log (default "hello")');
  }
}

describe.each(cases)("$label", ({ template, kernel, label }) => {
  it("builds warning-free with kforge build --warnings 1 --werror", async () => {
    const result = kforgeBuilds.get(label)!;
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.ok).toBe(true);
    const [build] = report.kernels;
    expect(build.diagnostics).toEqual([]);
    expect(build.artifacts.map((artifact: { module: string }) => artifact.module)).toEqual([moduleName(template)]);
    expect(build.artifacts[0].vermagic.startsWith(`${kernel.release} `)).toBe(true);
    await checkModinfo(build.artifacts[0].path, template);
  });

  it("builds warning-free with the generated Makefile and plain make KDIR=... W=1", async () => {
    const result = plainBuilds.get(label)!;
    expect(result.exitCode, result.all).toBe(0);
    expect(result.all).not.toMatch(/warning:/i);
    await checkModinfo(join(buildDir("plain", template, kernel), `${moduleName(template)}.ko`), template);
  });

  it.runIf(userPrograms(template).length > 0)(
    "builds its client with plain make (kforge build does not), and the client fails with a message on a mismatch",
    async () => {
      const guard: string = JSON.parse(plans.get(template)!.files.find((file) => file.path === "kforge.json")!.content).vm.test[0];
      // The first guest step names the fix when the client was never built: kforge build builds only the module.
      const missing = await run("sh", ["-c", guard], { cwd: buildDir("kforge", template, kernel) });
      expect(missing.exitCode).toBe(1);
      expect(missing.stderr).toContain("./client is not built: run make (or make client) on the host");
      const plain = buildDir("plain", template, kernel);
      expect((await run("sh", ["-c", guard], { cwd: plain })).exitCode).toBe(0);
      // /dev/null takes the write and reads back nothing: the mismatch a broken driver would show.
      const mismatch = await run("./client", ["/dev/null"], { cwd: plain });
      expect(mismatch.exitCode).toBe(1);
      expect(mismatch.stderr).toContain('client: mismatch: wrote "hello from the client" to /dev/null, read back 0 bytes');
      const absent = await run("./client", [join(plain, "absent")], { cwd: plain });
      expect(absent.exitCode).toBe(1);
      expect(absent.stderr).toMatch(/client: cannot open .*absent: No such file or directory \(is the module loaded\?/);
    },
  );

  it("ignores every build artifact in .gitignore (git status shows only the generated files)", async () => {
    const dir = buildDir("kforge", template, kernel);
    expect((await run("git", ["init", "-q"], { cwd: dir })).exitCode).toBe(0);
    const status = await run("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: dir });
    const untracked = status.stdout
      .split("\n")
      .filter(Boolean)
      .map((line) => line.replace(/^\?\? /, ""));
    expect(untracked.sort()).toEqual(
      plans
        .get(template)!
        .files.map((file) => file.path)
        .sort(),
    );
  });

  it("make clean leaves exactly the generated files", async () => {
    const dir = buildDir("plain", template, kernel);
    const result = await run("make", [`KDIR=${kernel.kdir}`, "clean"], { cwd: dir });
    expect(result.exitCode, result.all).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(
      plans
        .get(template)!
        .files.map((file) => file.path)
        .sort(),
    );
  });
});
