import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/fs/files.js";

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

  it("makes the report's missing folders, as CI paths like reports/check.sarif expect", async () => {
    await writeFileAtomic(join(dir, "reports", "deeper", "x.json"), "{}");
    expect(readFileSync(join(dir, "reports", "deeper", "x.json"), "utf8")).toBe("{}");
    expect(readdirSync(join(dir, "reports", "deeper"))).toEqual(["x.json"]);
  });
});
