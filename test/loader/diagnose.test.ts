import { describe, expect, it } from "vitest";
import { diagnoseLoadFailure, diagnoseUnloadFailure, noModuleSupportDiagnosis } from "../../src/loader/diagnose.js";
import { readFixture } from "../helpers/fixtures.js";
import { findStep, readGuestSession, type SessionStep } from "../helpers/guest-session.js";

// Real busybox insmod/rmmod output and kernel log lines from a 6.12 guest (see test/fixtures/README.md).
const session = readGuestSession();
const input = (module: string, step: SessionStep) => ({ module, exitCode: step.exitCode, stderr: step.stderr, kernelLog: step.kernelLog });
const procModules = (index: number) => findStep(session, "cat /proc/modules", index).stdout.join("\n");

describe("diagnoseLoadFailure on real guest failures", () => {
  it("a module built for 6.1 loaded into 6.12: shows both vermagics when known", () => {
    const step = findStep(session, "insmod provider-6.1.ko");
    const plain = diagnoseLoadFailure(input("provider", step));
    expect(plain.kind).toBe("invalid-format");
    expect(plain.detail).toMatch(/this_module section size must match/);
    const withVermagic = diagnoseLoadFailure({
      ...input("provider", step),
      moduleVermagic: "6.1.0-56-amd64 SMP preempt mod_unload modversions ",
      expectedVermagic: "6.12.117+deb12-amd64 SMP preempt mod_unload modversions ",
    });
    expect(withVermagic.kind).toBe("vermagic-mismatch");
    expect(withVermagic.detail).toContain('"6.1.0-56-amd64 SMP preempt mod_unload modversions"');
    expect(withVermagic.detail).toContain('"6.12.117+deb12-amd64 SMP preempt mod_unload modversions"');
  });

  it("unknown symbol: names the symbol and who to load first", () => {
    const step = findStep(session, "insmod consumer.ko", 0);
    const diagnosis = diagnoseLoadFailure({ ...input("consumer", step), symbolProviders: { provider_add: "provider" } });
    expect(diagnosis.kind).toBe("unknown-symbol");
    expect(diagnosis.title).toContain("provider_add");
    expect(diagnosis.hint).toMatch(/^load provider first/);
    expect(diagnoseLoadFailure(input("consumer", step)).detail).toContain("no known module exports provider_add");
  });

  it("invalid parameter value", () => {
    const diagnosis = diagnoseLoadFailure(input("provider", findStep(session, "insmod provider.ko count=abc")));
    expect(diagnosis.kind).toBe("invalid-parameters");
    expect(diagnosis.detail).toContain('count="abc"');
  });

  it("already loaded suggests reload", () => {
    const diagnosis = diagnoseLoadFailure(input("provider", findStep(session, "insmod provider.ko")));
    expect(diagnosis).toMatchObject({ kind: "already-loaded" });
    expect(diagnosis.hint).toContain("kforge reload");
  });

  it("symbol CRC mismatch (provider rebuilt with another signature)", () => {
    const diagnosis = diagnoseLoadFailure(input("consumer", findStep(session, "insmod consumer.ko", 2)));
    expect(diagnosis.kind).toBe("symbol-version");
    expect(diagnosis.title).toContain("provider_add");
  });

  it("oops in init: killed, crash line quoted", () => {
    const diagnosis = diagnoseLoadFailure(input("oops", findStep(session, "insmod oops.ko")));
    expect(diagnosis.kind).toBe("crashed");
    expect(diagnosis.detail).toContain("BUG: kernel NULL pointer dereference");
  });

  it("unsigned module with signature enforcement", () => {
    const diagnosis = diagnoseLoadFailure(input("slowexit", findStep(session, "insmod slowexit.ko", 1)));
    expect(diagnosis.kind).toBe("signature-rejected");
  });

  it("signed with a key the kernel does not have: mokutil --import", () => {
    const diagnosis = diagnoseLoadFailure(input("provider", findStep(session, "insmod provider-signed.ko")));
    expect(diagnosis.kind).toBe("key-rejected");
    expect(diagnosis.hint).toContain("mokutil --import");
  });
});

describe("diagnoseUnloadFailure on real guest failures", () => {
  it("in use: names the holder from /proc/modules", () => {
    const diagnosis = diagnoseUnloadFailure({ ...input("provider", findStep(session, "rmmod provider", 0)), procModules: procModules(0) });
    expect(diagnosis.kind).toBe("in-use");
    expect(diagnosis.detail).toBe("used by consumer (reference count 1)");
    expect(diagnosis.hint).toMatch(/^unload consumer first/);
  });

  it("no exit function", () => {
    expect(diagnoseUnloadFailure(input("permanent", findStep(session, "rmmod permanent"))).kind).toBe("permanent");
  });

  it("not loaded", () => {
    expect(diagnoseUnloadFailure(input("nosuchmodule", findStep(session, "rmmod nosuchmodule"))).kind).toBe("not-loaded");
  });
});

describe("kmod wording", () => {
  const kmod = (message: string) => `insmod: ERROR: could not insert module x.ko: ${message}\n`;
  it.each([
    [kmod("Unknown symbol in module"), "unknown-symbol"],
    [kmod("Invalid module format"), "invalid-format"],
    [kmod("File exists"), "already-loaded"],
    [kmod("Key was rejected by service"), "key-rejected"],
    [kmod("Module has wrong symbol version"), "symbol-version"],
    [kmod("Invalid parameters"), "invalid-parameters"],
    [kmod("No such device"), "init-failed"],
    ["modprobe: ERROR: could not insert 'x': Module already in kernel\n", "already-loaded"],
  ])("%s", (stderr, kind) => {
    expect(diagnoseLoadFailure({ module: "x", exitCode: 1, stderr, kernelLog: [] }).kind).toBe(kind);
  });

  it("Operation not permitted: not root, lockdown or unknown", () => {
    const base = { module: "x", exitCode: 1, stderr: kmod("Operation not permitted"), kernelLog: [] };
    expect(diagnoseLoadFailure({ ...base, isRoot: false })).toMatchObject({ kind: "not-root", hint: "rerun with --sudo, or as root" });
    expect(diagnoseLoadFailure({ ...base, kernelLog: ["Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7"] }).kind).toBe("lockdown");
    expect(diagnoseLoadFailure(base).kind).toBe("not-permitted");
  });

  it("init function error names the errno", () => {
    expect(diagnoseLoadFailure({ module: "x", exitCode: 1, stderr: kmod("No such device"), kernelLog: [] }).title).toBe("x's init function failed: No such device");
  });

  it("rmmod in use by", () => {
    const diagnosis = diagnoseUnloadFailure({ module: "provider", exitCode: 1, stderr: "rmmod: ERROR: Module provider is in use by: consumer other\n", kernelLog: [] });
    expect(diagnosis.detail).toBe("used by consumer, other");
  });
});

describe("no module support (real output of this machine's kernel)", () => {
  it.each(["loader/insmod-enosys.stderr", "loader/modprobe-enosys.stderr", "loader/busybox-insmod-enosys.stderr"])("%s", (fixture) => {
    const diagnosis = diagnoseLoadFailure({ module: "dummy", exitCode: 1, stderr: readFixture(fixture), kernelLog: [] });
    expect(diagnosis.kind).toBe("no-module-support");
    expect(diagnosis.hint).toContain("kforge vm");
  });

  it("busybox rmmod ENOSYS and the loader's own pre-check", () => {
    expect(diagnoseUnloadFailure({ module: "dummy", exitCode: 1, stderr: readFixture("loader/busybox-rmmod-enosys.stderr"), kernelLog: [] }).kind).toBe("no-module-support");
    expect(noModuleSupportDiagnosis("dummy").kind).toBe("no-module-support");
  });
});
