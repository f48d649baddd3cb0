// Paths from the command line, checked before any work starts: a missing module dir is said as such
// by every command that takes one (watch used to boot a guest and watch it forever), a device is no
// module (reading /dev/zero never ends), and a report file that cannot be written is refused before
// the run whose results it would lose.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runKforge } from "../helpers/cli.js";
import { kernel61 } from "../helpers/kernels.js";
import { mountTmpfs, remountReadOnly, unmountAll } from "../helpers/mounts.js";
import { createModuleDir, moduleSource, removeDir } from "../kbuild/modules.js";

const root = mkdtempSync(join(tmpdir(), "kforge-check-path-"));
afterAll(() => {
  unmountAll();
  rmSync(root, { recursive: true, force: true });
});
const missing = join(root, "no-such-module");
// Old behaviour hung (watch, info /dev/zero): a short deadline makes that a failure, not a stall.
const quick = { timeoutMs: 20_000 };

describe("paths checked before the work starts", () => {
  it("says that a module dir does not exist, in every command that takes one", async () => {
    const commands = [
      ["watch", missing, "--kernel", kernel61().release],
      ["install", missing, "--kernel", kernel61().release],
      ["uninstall", missing, "--kernel", kernel61().release],
      ["compile-commands", missing, "--kernel", kernel61().release],
      ["sign", missing, "--kernel", kernel61().release],
      ["dkms", "init", missing],
      ["dkms", "check", missing],
    ];
    for (const args of commands) {
      const result = await runKforge(args, quick);
      expect(result.exitCode, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain(
        `kforge: error: module directory ${missing} does not exist\nhint: pass the directory that holds your module's Kbuild or Makefile\n`,
      );
    }
  });

  it("refuses a device or a folder as a module file", async () => {
    for (const path of ["/dev/zero", root]) {
      const result = await runKforge(["info", path], quick);
      expect(result.exitCode, path).toBe(2);
      expect(result.stderr).toContain(`kforge: error: ${path}: not a regular file (a folder, device or pipe): a module is a .ko file`);
    }
  });

  it("refuses a report file that cannot be written before building or booting anything", async () => {
    const dir = createModuleDir({ Kbuild: "obj-m += hello.o\n", "hello.c": moduleSource("hello") });
    const readOnly = mountTmpfs(join(root, "ro-reports"), "size=64k");
    remountReadOnly(readOnly);
    try {
      const test = await runKforge(
        ["test", "--vm", dir, "--kernel", kernel61().release, "--junit", join(readOnly, "reports", "x.xml")],
        quick,
      );
      expect(test.exitCode).toBe(2);
      expect(test.stderr).toContain(
        `kforge: error: --junit ${join(readOnly, "reports", "x.xml")} cannot be written: ${readOnly} is not writable`,
      );
      const build = await runKforge(["build", dir, "--kernel", kernel61().release, "--codequality", "/dev/null/report.json"], quick);
      expect(build.exitCode).toBe(2);
      expect(build.stderr).toContain("kforge: error: --codequality /dev/null/report.json cannot be written: /dev/null is not a directory");
      // Nothing was built.
      expect(readdirSync(dir).sort()).toEqual(["Kbuild", "hello.c"]);
    } finally {
      removeDir(dir);
    }
  });
});
