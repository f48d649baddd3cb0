import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { writePlan } from "../../src/scaffold/write-plan.js";

const files = [
  { path: "Makefile", content: "new makefile\n" },
  { path: "demo.c", content: "new source\n" },
];
let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-write-plan-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("writePlan", () => {
  it("creates the folder and every file", async () => {
    const dir = join(root, "a", "demo");
    const report = await writePlan(dir, files, { force: false, dryRun: false });
    expect(report.created).toEqual(["Makefile", "demo.c"]);
    expect(report.overwritten).toEqual([]);
    expect(await readFile(join(dir, "demo.c"), "utf8")).toBe("new source\n");
    expect((await readdir(dir)).sort()).toEqual(["Makefile", "demo.c"]);
  });

  it("writes sibling modules under one new parent folder at the same time", async () => {
    const dirs = ["one", "two", "three"].map((name) => join(root, "shared", "parent", name));
    await Promise.all(dirs.map((dir) => writePlan(dir, files, { force: false, dryRun: false })));
    for (const dir of dirs) expect((await readdir(dir)).sort()).toEqual(["Makefile", "demo.c"]);
  });

  it("refuses a non-empty folder without --force and changes nothing", async () => {
    await writeFile(join(root, "notes.txt"), "mine");
    const error = await writePlan(root, files, { force: false, dryRun: false }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain("is not empty (notes.txt)");
    expect((error as UsageError).hint).toContain("--force");
    expect(await readdir(root)).toEqual(["notes.txt"]);
  });

  it("names the files it would overwrite when refusing", async () => {
    await writeFile(join(root, "demo.c"), "my work");
    const error = (await writePlan(root, files, { force: false, dryRun: false }).catch((caught: unknown) => caught)) as UsageError;
    expect(error.message).toContain("it would overwrite demo.c");
    expect(await readFile(join(root, "demo.c"), "utf8")).toBe("my work");
  });

  it("with --force overwrites only its own files, reports exactly those, and keeps the rest", async () => {
    await writeFile(join(root, "demo.c"), "my work");
    await writeFile(join(root, "notes.txt"), "mine");
    const report = await writePlan(root, files, { force: true, dryRun: false });
    expect(report.overwritten).toEqual(["demo.c"]);
    expect(report.created).toEqual(["Makefile"]);
    expect(await readFile(join(root, "demo.c"), "utf8")).toBe("new source\n");
    expect(await readFile(join(root, "notes.txt"), "utf8")).toBe("mine");
    expect((await readdir(root)).sort()).toEqual(["Makefile", "demo.c", "notes.txt"]);
  });

  it("with --dry-run reports the same lists and writes nothing", async () => {
    await writeFile(join(root, "demo.c"), "my work");
    const report = await writePlan(root, files, { force: true, dryRun: true });
    expect(report).toMatchObject({ dryRun: true, created: ["Makefile"], overwritten: ["demo.c"] });
    expect(await readdir(root)).toEqual(["demo.c"]);
    expect(await readFile(join(root, "demo.c"), "utf8")).toBe("my work");
    const fresh = join(root, "fresh");
    await writePlan(fresh, files, { force: false, dryRun: true });
    expect(await readdir(root)).toEqual(["demo.c"]);
  });

  it("refuses even with --force when a generated file's path is a folder, writing nothing", async () => {
    await mkdir(join(root, "demo.c"));
    const error = (await writePlan(root, files, { force: true, dryRun: false }).catch((caught: unknown) => caught)) as UsageError;
    expect(error.message).toContain("is a folder");
    expect(await readdir(root)).toEqual(["demo.c"]);
  });

  it("refuses a target that is a file", async () => {
    await writeFile(join(root, "demo"), "x");
    const error = (await writePlan(join(root, "demo"), files, { force: true, dryRun: false }).catch(
      (caught: unknown) => caught,
    )) as UsageError;
    expect(error.message).toContain("is not a folder");
  });
  it("reports which overwritten files the user had edited", async () => {
    await writeFile(join(root, "demo.c"), "my work");
    await writeFile(join(root, "Makefile"), "new makefile\n");
    const report = await writePlan(root, files, { force: true, dryRun: true });
    expect(report.overwritten).toEqual(["Makefile", "demo.c"]);
    expect(report.edited).toEqual(["demo.c"]);
  });

  it("turns a folder it cannot create into a usage error with a hint, creating nothing", async () => {
    const blocker = join(root, "file");
    await writeFile(blocker, "x");
    const error = (await writePlan(join(blocker, "demo"), files, { force: false, dryRun: false }).catch(
      (caught: unknown) => caught,
    )) as UsageError;
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toContain("(ENOTDIR)");
    expect(error.hint).toContain("--dir <path>");
    const procfs = (await writePlan("/proc/kforge-test/demo", files, { force: false, dryRun: false }).catch(
      (caught: unknown) => caught,
    )) as UsageError;
    expect(procfs).toBeInstanceOf(UsageError);
    expect(procfs.message).toContain("cannot create or write /proc/kforge-test");
  });

  it("refuses a path with whitespace, even for a dry run", async () => {
    const error = await writePlan(join(root, "a b"), files, { force: false, dryRun: true }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).message).toContain("contains whitespace");
  });
});
