// The generated Makefile's behaviour that needs no kernel build: help, a missing build tree, and
// clean without a build tree. Building through it is in build.test.ts.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { run } from "../../src/process/exec.js";
import { planModule } from "../../src/scaffold/plan.js";
import { writePlan } from "../../src/scaffold/write-plan.js";

let root: string;
let dir: string;
let generated: string[];

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-makefile-"));
  dir = join(root, "demo");
  const plan = await planModule({ name: "demo", template: "hello", license: "GPL", author: "A" });
  generated = plan.files.map((file) => file.path).sort();
  await writePlan(dir, plan.files, { force: false, dryRun: false });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("generated Makefile", () => {
  it("explains a missing kernel build tree instead of failing inside make -C", async () => {
    const result = await run("make", ["-C", dir, "KDIR=/nonexistent/build"], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("No kernel build tree at /nonexistent/build.");
    expect(result.stderr).toContain("or run make KDIR=<kernel build dir>");
  });

  it("cleans without a kernel build tree", async () => {
    for (const artifact of [
      ".module-common.o",
      "demo.o",
      "demo.ko",
      "demo.mod",
      "demo.mod.c",
      ".demo.o.cmd",
      "Module.symvers",
      "modules.order",
    ]) {
      await writeFile(join(dir, artifact), "");
    }
    const result = await run("make", ["clean", "KDIR=/nonexistent/build"], { cwd: dir });
    expect(result.exitCode, result.all).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(generated);
  });

  it("documents its targets and variables in make help", async () => {
    const result = await run("make", ["help", "KDIR=/some/build"], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("all (default) and modules build demo.ko");
    expect(result.stdout).toContain("KDIR=<kernel build dir> (default /some/build)");
  });
});
