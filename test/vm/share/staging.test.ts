// The per-run folder the guest reads over 9p: the user's files linked or copied in, never changed.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stageFiles } from "../../../src/vm/share/staging.js";

const root = mkdtempSync(join(tmpdir(), "kforge-staging-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("stageFiles", () => {
  it("links modules and test files in, decompresses an in-tree .ko.xz, and leaves the originals as they were", async () => {
    const project = join(root, "project");
    mkdirSync(project);
    writeFileSync(join(project, "hello.ko"), "ELF module bytes");
    writeFileSync(join(project, "check.sh"), "echo ok\n");
    writeFileSync(join(project, "tree.ko"), "in-tree module bytes");
    execFileSync("xz", [join(project, "tree.ko")]);
    const folder = join(root, "run", "share");
    const bytes = await stageFiles(
      folder,
      { modules: [join(project, "tree.ko.xz"), join(project, "hello.ko")], files: [join(project, "check.sh")] },
      join(root, "run"),
    );
    expect(readdirSync(join(folder, "modules")).sort()).toEqual(["hello.ko", "tree.ko"]);
    expect(readFileSync(join(folder, "modules", "tree.ko"), "utf8")).toBe("in-tree module bytes");
    expect(readFileSync(join(folder, "work", "check.sh"), "utf8")).toBe("echo ok\n");
    // Same filesystem: a hard link, no copy.
    expect(statSync(join(folder, "modules", "hello.ko")).ino).toBe(statSync(join(project, "hello.ko")).ino);
    expect(bytes).toBe("ELF module bytes".length + "in-tree module bytes".length + "echo ok\n".length);
    expect(readdirSync(project).sort()).toEqual(["check.sh", "hello.ko", "tree.ko.xz"]);
  });
});
