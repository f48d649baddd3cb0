// A module's objects from kbuild's .mod file, absolute (6.12) or relative (older kernels).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { listModuleObjects, parseModFile } from "../../src/coverage/module-objects.js";

describe("parseModFile", () => {
  it("reads absolute and relative object paths, relative to the build dir, without .o", () => {
    expect(parseModFile("/m/a.o\n/m/sub/b.o\n", "/m")).toEqual(["a", "sub/b"]);
    expect(parseModFile("./a.o b.o\n", "/m")).toEqual(["a", "b"]);
  });

  it("drops objects outside the build dir", () => {
    expect(parseModFile("/elsewhere/x.o /m/a.o", "/m")).toEqual(["a"]);
  });
});

describe("listModuleObjects", () => {
  const dir = mkdtempSync(join(tmpdir(), "kforge-mod-objects-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists each module's objects once, and names the missing .mod file", async () => {
    writeFileSync(join(dir, "two.mod"), `${join(dir, "a.o")}\n${join(dir, "b.o")}\n`);
    writeFileSync(join(dir, "one.mod"), `${join(dir, "a.o")}\n`);
    expect(await listModuleObjects(dir, [join(dir, "two.ko"), join(dir, "one.ko")])).toEqual(["a", "b"]);
    await expect(listModuleObjects(dir, [join(dir, "gone.ko")])).rejects.toThrow(`${join(dir, "gone.mod")} is missing`);
  });
});
