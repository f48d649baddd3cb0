import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertReportWritable, writeFileAtomic } from "../../src/fs/files.js";

const dir = mkdtempSync(join(tmpdir(), "kforge-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("writeFileAtomic", () => {
  it("replaces a report whole, and when it cannot, leaves what was there and no temp file", async () => {
    const report = join(dir, "check.sarif");
    writeFileSync(report, "old");
    await writeFileAtomic(report, "new");
    expect(readFileSync(report, "utf8")).toBe("new");
    // A directory in the way: the rename fails after the temp file was written.
    const blocked = join(dir, "blocked.sarif");
    mkdirSync(join(blocked, "inside"), { recursive: true });
    await expect(writeFileAtomic(blocked, "text")).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(["blocked.sarif", "check.sarif"]);
  });

  it("refuses a report in a directory that does not exist before any work starts", async () => {
    await expect(assertReportWritable(join(dir, "missing", "x.json"), "--codequality")).rejects.toThrow(
      `--codequality ${join(dir, "missing", "x.json")}: cannot write there`,
    );
    await expect(assertReportWritable(join(dir, "x.json"), "--codequality")).resolves.toBeUndefined();
  });
});
