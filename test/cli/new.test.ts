// `kforge new` and `kforge templates` through the real CLI.
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";

let root: string;
// No user.name from the machine's git config, so the default author is predictable.
const noGitUser = { GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1", HOME: "/nonexistent" };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "kforge-new-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("kforge templates", () => {
  it("lists every template with its one-line summary", async () => {
    const result = await runKforge(["templates"]);
    expect(result.exitCode).toBe(0);
    const names = result.stdout
      .trim()
      .split("\n")
      .map((line) => line.split(/\s+/)[0]);
    expect(names).toEqual(["chardev", "hello", "kunit", "misc", "multi", "params", "pci", "procfs", "sysfs"]);
    expect(result.stdout).toMatch(/^chardev {2}a misc character device/m);
  });
});

describe("kforge new", () => {
  it("creates ./<name> with dashes turned into underscores, says which author it chose, and prints next steps", async () => {
    const result = await runKforge(["new", "my-mod"], { cwd: root, env: noGitUser });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('notice: module name "my-mod" contains dashes; using "my_mod"');
    expect(result.stderr).toContain("author: Unknown (git has no user.name; set it with --author)");
    expect(result.stdout).toContain("module my_mod (template hello) in ./my_mod");
    expect(result.stdout).toContain("wrote 6 files");
    expect(result.stdout).toContain("sudo insmod my_mod.ko");
    expect((await readdir(join(root, "my_mod"))).sort()).toEqual([
      ".gitignore",
      "Kbuild",
      "Makefile",
      "README.md",
      "kforge.json",
      "my_mod.c",
    ]);
    expect(await readFile(join(root, "my_mod", "my_mod.c"), "utf8")).toContain('MODULE_AUTHOR("Unknown");');
  });

  it("says that make builds a template's userspace client, which kforge build does not", async () => {
    const result = await runKforge(["new", "echo_misc", "--template", "misc"], { cwd: root, env: noGitUser });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("  make                 # the module and ./client (kforge build: the module only)\n");
    const hello = await runKforge(["new", "plain"], { cwd: root, env: noGitUser });
    expect(hello.stdout).toContain("  make                 # or: kforge build\n");
  });

  it("takes the author from git config user.name", async () => {
    const gitConfig = join(root, "gitconfig");
    await writeFile(gitConfig, "[user]\n\tname = Ada Lovelace\n");
    const result = await runKforge(["new", "demo", "--dir", join(root, "out")], {
      cwd: root,
      env: { ...noGitUser, GIT_CONFIG_GLOBAL: gitConfig },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain("author: Ada Lovelace (from git config user.name");
    expect(await readFile(join(root, "out", "demo.c"), "utf8")).toContain('MODULE_AUTHOR("Ada Lovelace");');
  });

  it.each([
    ["../evil", "path separator"],
    ["Bad", "lowercase"],
    ["int", "C keyword"],
    ["mutex", "collide"],
  ])("rejects the name %s with exit 2 and writes nothing", async (name, reason) => {
    const result = await runKforge(["new", name, "--author", "A"], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`kforge: error: invalid module name "${name}"`);
    expect(result.stderr).toContain(reason);
    expect(result.stderr).toContain("hint: ");
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses to write over existing files, then with --force lists exactly what it overwrote", async () => {
    const dir = join(root, "demo");
    expect((await runKforge(["new", "demo", "--author", "A"], { cwd: root })).exitCode).toBe(0);
    await writeFile(join(dir, "demo.c"), "my edits\n");
    await writeFile(join(dir, "notes.txt"), "keep me\n");

    const refused = await runKforge(["new", "demo", "--author", "A"], { cwd: root });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("is not empty");
    expect(refused.stderr).toContain("hint: choose an empty or new folder with --dir <path>, or pass --force");
    expect(await readFile(join(dir, "demo.c"), "utf8")).toBe("my edits\n");

    const forced = await runKforge(["new", "demo", "--author", "A", "--force"], { cwd: root });
    expect(forced.exitCode).toBe(0);
    const overwritten = forced.stdout
      .split("\n")
      .filter((line) => line.includes("overwrote"))
      .map((line) => line.trim().split(/\s+/)[1]);
    expect(overwritten.sort()).toEqual([".gitignore", "Kbuild", "Makefile", "README.md", "demo.c", "kforge.json"]);
    expect(forced.stdout).toContain("wrote 6 files, 6 of them over existing files");
    expect(await readFile(join(dir, "demo.c"), "utf8")).toContain("module_init(demo_init);");
    expect(await readFile(join(dir, "notes.txt"), "utf8")).toBe("keep me\n");
  });

  it("--dry-run lists the files and writes nothing", async () => {
    const result = await runKforge(["new", "demo", "--template", "multi", "--author", "A", "--dry-run"], { cwd: root });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("dry run: module demo (template multi) in ./demo");
    for (const path of ["demo_main.c", "demo_greet.c", "demo.h", "Kbuild", "Makefile", "kforge.json"]) {
      expect(result.stdout).toMatch(new RegExp(`would create +${path.replace(".", "\\.")}$`, "m"));
    }
    expect(result.stdout).toContain("would write 8 files; nothing was written");
    expect(await readdir(root)).toEqual([]);
  });

  it("rejects an unknown template and an unknown license with exit 2", async () => {
    const template = await runKforge(["new", "demo", "--template", "nope", "--author", "A"], { cwd: root });
    expect(template.exitCode).toBe(2);
    expect(template.stderr).toContain('unknown template "nope"');
    const license = await runKforge(["new", "demo", "--license", "BSD", "--author", "A"], { cwd: root });
    expect(license.exitCode).toBe(2);
    expect(license.stderr).toContain('unknown module license "BSD"');
    expect(await readdir(root)).toEqual([]);
  });
  it.each([
    ["/proc/zz", "ENOENT"],
    ["/sys/zz", "EPERM"],
    ["/dev/null/zz", "ENOTDIR"],
  ])("refuses a folder it cannot create (%s) promptly, with exit 2 and a hint, never a stack trace", async (dir, code) => {
    const result = await runKforge(["new", "zz", "--author", "A", "-d", dir], { cwd: root, timeoutMs: 15_000 });
    expect(result.signal).toBeNull();
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`kforge: error: cannot create or write ${dir}`);
    expect(result.stderr).toContain(`(${code})`);
    expect(result.stderr).toContain("hint: choose a folder you can write to with --dir <path>");
    expect(result.stderr).not.toContain("internal error");
  });

  it("refuses a folder whose path contains whitespace, which kbuild cannot build in", async () => {
    const result = await runKforge(["new", "demo", "--author", "A", "-d", join(root, "my modules", "demo")], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("contains whitespace, and the kernel's kbuild cannot build a module in such a path");
    expect(result.stderr).toContain("hint: choose a folder whose full path has no spaces");
    expect(await readdir(root)).toEqual([]);
  });

  it("refuses vmlinux, the name the kernel keeps for itself", async () => {
    const result = await runKforge(["new", "vmlinux", "--author", "A"], { cwd: root });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('invalid module name "vmlinux"');
    expect(await readdir(root)).toEqual([]);
  });

  it("prints the author and name notices only when the module was written", async () => {
    await writeFile(join(root, "taken"), "a file");
    const failed = await runKforge(["new", "my-mod", "-d", join(root, "taken")], { cwd: root, env: noGitUser });
    expect(failed.exitCode).toBe(2);
    expect(failed.stderr).not.toContain("author:");
    expect(failed.stderr).not.toContain("notice:");
    expect(failed.stderr.startsWith("kforge: error:")).toBe(true);
  });

  it("names every file it would overwrite, edited ones first, and marks replaced edits with --force", async () => {
    const dir = join(root, "my_mod");
    expect((await runKforge(["new", "my_mod", "--author", "A"], { cwd: root })).exitCode).toBe(0);
    await writeFile(join(dir, "my_mod.c"), "my edits\n");
    const refused = await runKforge(["new", "my_mod", "--author", "A"], { cwd: root });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain("it would overwrite my_mod.c (edited), .gitignore, Kbuild, Makefile, README.md, kforge.json");
    expect(refused.stderr).not.toContain("more");
    const forced = await runKforge(["new", "my_mod", "--author", "A", "--force"], { cwd: root });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toMatch(/overwrote +my_mod\.c \(your edits are replaced\)$/m);
    expect(forced.stdout).toMatch(/overwrote +Makefile$/m);
  });
});
