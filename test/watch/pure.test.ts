// The pure parts of watch: the file transfer encoder, which paths rebuild, which modules reload.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { encodeFileTransfer } from "../../src/vm/file-transfer.js";
import { modulesToReload } from "../../src/watch/reload-plan.js";
import { isWatchedFile } from "../../src/watch/watched-files.js";

describe("encodeFileTransfer", () => {
  it("splits the gzipped base64 into short commands that busybox sh turns back into the same bytes", () => {
    const data = randomBytes(9000);
    const commands = encodeFileTransfer("/tmp/kforge-transfer-test/out.bin", data, 1023);
    expect(commands.length).toBeGreaterThan(5);
    for (const command of commands) expect(Buffer.from(command).toString("base64").length).toBeLessThan(4096);
    execFileSync("mkdir", ["-p", "/tmp/kforge-transfer-test"]);
    for (const command of commands) execFileSync("busybox", ["sh", "-c", command]);
    expect(execFileSync("cat", ["/tmp/kforge-transfer-test/out.bin"]).equals(data)).toBe(true);
    execFileSync("rm", ["-r", "/tmp/kforge-transfer-test"]);
  });

  it("refuses a chunk size whose base64 pieces would not concatenate", () => {
    expect(() => encodeFileTransfer("/x", Buffer.from("abc"), 1000)).toThrow(/multiple of 3/);
  });
});

describe("isWatchedFile", () => {
  it.each(["hello.c", "include/hello.h", "entry.S", "Kbuild", "Makefile", "kforge.json"])("watches %s", (path) => expect(isWatchedFile(path)).toBe(true));
  it.each(["hello.o", "hello.ko", "hello.mod", "hello.mod.c", ".hello.o.cmd", "Module.symvers", "modules.order", ".tmp_x.c", ".kforge/logs/x.c", ".hello.c.swp", "hello.c~", "4913"])(
    "ignores %s",
    (path) => expect(isWatchedFile(path)).toBe(false),
  );
  it("watches the test scripts vm.test names", () => expect(isWatchedFile("check.sh", ["check.sh"])).toBe(true));
});

describe("modulesToReload", () => {
  const built = [
    { name: "provider", depends: [], hash: "p2" },
    { name: "consumer", depends: ["provider"], hash: "c1" },
    { name: "user", depends: ["consumer"], hash: "u1" },
    { name: "alone", depends: [], hash: "a1" },
  ];
  const loaded = new Map([["provider", "p1"], ["consumer", "c1"], ["user", "u1"], ["alone", "a1"]]);

  it("reloads a changed provider with everything that depends on it, directly or not", () => {
    expect([...modulesToReload(built, loaded)].sort()).toEqual(["consumer", "provider", "user"]);
  });

  it("reloads nothing when no .ko changed, and everything when forced", () => {
    expect(modulesToReload(built, new Map(built.map((module) => [module.name, module.hash]))).size).toBe(0);
    expect(modulesToReload(built, loaded, true).size).toBe(4);
  });
});
