// The host dir on a real filesystem: the previous run's files go and the user's stay, nothing is
// written through a symlink or over a file kforge did not write, and a file appears only when whole.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createArtifactFile, findObstacle, missingDirs, clearArtifactsDir, writeManifest } from "../../../src/vm/artifacts/host-dir.js";

const root = mkdtempSync(join(tmpdir(), "kforge-host-dir-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the artifacts host dir", () => {
  it("removes exactly the files and empty folders the last run's manifest lists", async () => {
    const dir = join(root, "clear");
    mkdirSync(join(dir, "sub", "deep"), { recursive: true });
    mkdirSync(join(dir, "kept"));
    writeFileSync(join(dir, "old.xml"), "old");
    writeFileSync(join(dir, "sub", "deep", "old.log"), "old");
    writeFileSync(join(dir, "mine.txt"), "the user's");
    writeFileSync(join(dir, "kept", "mine.txt"), "the user's");
    await writeManifest(dir, { files: ["old.xml", "sub/deep/old.log", "kept/gone.txt"], dirs: ["sub", "sub/deep", "kept"] });
    await clearArtifactsDir(dir);
    expect(readdirSync(dir).sort()).toEqual(["kept", "mine.txt"]);
    expect(readFileSync(join(dir, "kept", "mine.txt"), "utf8")).toBe("the user's");
  });

  it("refuses a dir that is a symlink", async () => {
    mkdirSync(join(root, "elsewhere"));
    symlinkSync(join(root, "elsewhere"), join(root, "linked"));
    await expect(clearArtifactsDir(join(root, "linked"))).rejects.toThrow(/not a folder kforge can write artifacts into/);
  });

  it("finds what stands in a name's way: a user's file, a symlinked or file folder on its path", async () => {
    const dir = join(root, "obstacles");
    mkdirSync(join(dir, "real"), { recursive: true });
    writeFileSync(join(dir, "mine.txt"), "");
    writeFileSync(join(dir, "file"), "");
    symlinkSync("/etc", join(dir, "etc"));
    expect(await findObstacle(dir, "mine.txt")).toMatch(/kforge did not write/);
    expect(await findObstacle(dir, "etc/passwd")).toMatch(/etc on the host is not a folder/);
    expect(await findObstacle(dir, "file/x")).toMatch(/file on the host is not a folder/);
    expect(await findObstacle(dir, "real/new.txt")).toBeUndefined();
    expect(await findObstacle(dir, "new/deep/x")).toBeUndefined();
    expect(await missingDirs(dir, ["real/a", "new/deep/x"])).toEqual(["new", "new/deep"]);
  });

  it("writes a file under a temp name and renames it into place; a discarded one leaves nothing", async () => {
    const dir = join(root, "write");
    mkdirSync(dir);
    const file = await createArtifactFile(dir, "sub/deep/out.bin");
    await file.write(Buffer.from("part one, "));
    expect(existsSync(join(dir, "sub", "deep", "out.bin"))).toBe(false);
    await file.write(Buffer.from("part two"));
    await file.commit();
    expect(readFileSync(join(dir, "sub", "deep", "out.bin"), "utf8")).toBe("part one, part two");
    const dropped = await createArtifactFile(dir, "dropped.bin");
    await dropped.write(Buffer.from("x"));
    await dropped.discard();
    expect(readdirSync(dir).sort()).toEqual(["sub"]);
    expect(readdirSync(join(dir, "sub", "deep"))).toEqual(["out.bin"]);
  });
});
