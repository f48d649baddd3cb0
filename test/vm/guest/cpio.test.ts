import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createCpioArchive } from "../../../src/vm/guest/cpio.js";

describe("createCpioArchive", () => {
  const dir = mkdtempSync(join(tmpdir(), "kforge-cpio-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const archive = createCpioArchive([
    { kind: "directory", path: "bin" },
    { kind: "file", path: "bin/hello", data: Buffer.from("hi there\n"), mode: 0o755 },
    { kind: "symlink", path: "bin/sh", target: "hello" },
    { kind: "directory", path: "dev" },
    { kind: "char-device", path: "dev/console", major: 5, minor: 1 },
  ]);

  it("pads every header and body to 4 bytes and ends with the trailer", () => {
    expect(archive.length % 4).toBe(0);
    expect(archive.subarray(0, 6).toString()).toBe("070701");
    expect(archive.toString("latin1")).toContain("TRAILER!!!\0");
  });

  it("is read back by the real cpio with modes, link targets and device numbers", () => {
    const file = join(dir, "test.cpio");
    writeFileSync(file, archive);
    const listing = execFileSync("cpio", ["-itv", "-F", file], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    expect(listing).toMatch(/^drwxr-xr-x .* bin$/m);
    expect(listing).toMatch(/^-rwxr-xr-x .* 9 .* bin\/hello$/m);
    expect(listing).toMatch(/^lrwxrwxrwx .* bin\/sh -> hello$/m);
    expect(listing).toMatch(/^crw------- .* 5,\s+1 .* dev\/console$/m);
    const extracted = join(dir, "out");
    execFileSync("sh", [
      "-c",
      `mkdir -p ${extracted} && cd ${extracted} && cpio -id --no-absolute-filenames < ${file} 2>/dev/null || true`,
    ]);
    expect(execFileSync("cat", [join(extracted, "bin/hello")], { encoding: "utf8" })).toBe("hi there\n");
  });
});
