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
      moduleVermagic: "6.1.0-850-amd64 SMP preempt mod_unload modversions ",
      expectedVermagic: "6.12.850+deb12-amd64 SMP preempt mod_unload modversions ",
    });
    expect(withVermagic.kind).toBe("vermagic-mismatch");
    expect(withVermagic.detail).toContain('"6.1.0-850-amd64 SMP preempt mod_unload modversions"');
    expect(withVermagic.detail).toContain('"6.12.850+deb12-amd64 SMP preempt mod_unload modversions"');
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
    [kmod("No such device"), "init-failed"],
    ["modprobe: ERROR: could not insert 'x': Module already in kernel\n", "already-loaded"],
  ])("%s", (stderr, kind) => {
    expect(diagnoseLoadFailure({ module: "x", exitCode: 1, stderr, kernelLog: [] }).kind).toBe(kind);
  });

  it("Operation not permitted: not root, lockdown or unknown", () => {
    const base = { module: "x", exitCode: 1, stderr: kmod("Operation not permitted"), kernelLog: [] };
    expect(diagnoseLoadFailure({ ...base, isRoot: false })).toMatchObject({ kind: "not-root", hint: "rerun with --sudo, or as root" });
    expect(
      diagnoseLoadFailure({ ...base, kernelLog: ["Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7"] })
        .kind,
    ).toBe("lockdown");
    expect(diagnoseLoadFailure(base).kind).toBe("not-permitted");
  });

  it("init function error names the errno once: the detail is the kernel log or the errno name, never the stderr again", () => {
    const silent = diagnoseLoadFailure({ module: "x", exitCode: 1, stderr: kmod("No such device"), kernelLog: [] });
    expect(silent.title).toBe("x's init function failed: No such device (ENODEV)");
    expect(silent.detail).toBe("its init function returned -ENODEV without printing anything to the kernel log");
    const logged = diagnoseLoadFailure({
      module: "x",
      exitCode: 1,
      stderr: kmod("No such device"),
      kernelLog: ["x: loading out-of-tree module taints kernel.", "x: no device found"],
    });
    expect(logged.detail).toBe('the kernel log says: "x: no device found"');
  });

  it("decodes the kernel-internal errnos libc calls 'Unknown error N', with a hint for EPROBE_DEFER", () => {
    const deferred = diagnoseLoadFailure({ module: "x", exitCode: 1, stderr: kmod("Unknown error 517"), kernelLog: [] });
    expect(deferred.title).toBe("x's init function failed: Unknown error 517 (EPROBE_DEFER)");
    expect(deferred.hint).toContain("something the driver needs is not ready yet");
    const unnamed = diagnoseLoadFailure({ module: "x", exitCode: 1, stderr: kmod("Unknown error 999"), kernelLog: [] });
    expect(unnamed.title).toBe("x's init function failed: Unknown error 999");
    expect(unnamed.hint).toMatch(/^see the error paths/);
  });

  it("kmod's EINVAL wording blames parameters only when some were passed", () => {
    const base = { module: "x", exitCode: 1, stderr: kmod("Invalid parameters"), kernelLog: [] };
    expect(diagnoseLoadFailure(base)).toMatchObject({
      kind: "init-failed",
      title: "x's init function failed: Invalid parameters (EINVAL)",
    });
    expect(diagnoseLoadFailure({ ...base, parameters: ["count=7"] })).toMatchObject({ kind: "invalid-parameters" });
    expect(diagnoseLoadFailure({ ...base, parameters: ["count=7"] }).detail).toContain("insmod passed count=7");
  });

  it("rmmod in use by", () => {
    const diagnosis = diagnoseUnloadFailure({
      module: "provider",
      exitCode: 1,
      stderr: "rmmod: ERROR: Module provider is in use by: consumer other\n",
      kernelLog: [],
    });
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
    expect(
      diagnoseUnloadFailure({ module: "dummy", exitCode: 1, stderr: readFixture("loader/busybox-rmmod-enosys.stderr"), kernelLog: [] })
        .kind,
    ).toBe("no-module-support");
    expect(noModuleSupportDiagnosis("dummy").kind).toBe("no-module-support");
  });
});

// Real busybox stderr for EINVAL (the "count=abc" step of the recorded guest session) with kernel log
// lines WRITTEN from the kernel source (kernel/params.c param_array(), kernel/livepatch/core.c), as
// insmod <module> values=1,1,1,1,1,1,1,1,1 and a module named vmlinux print them.
describe("EINVAL: the kernel log decides", () => {
  const busyboxEinval = findStep(session, "insmod provider.ko count=abc").stderr.replace("provider.ko", "x.ko");

  it("no parameters passed and nothing in the log: not a parameter problem", () => {
    const diagnosis = diagnoseLoadFailure({ module: "x", exitCode: 1, stderr: busyboxEinval, kernelLog: [] });
    expect(diagnosis.kind).toBe("init-failed");
    expect(diagnosis.title).not.toContain("parameters");
    expect(diagnosis.detail).toBe("its init function returned -EINVAL without printing anything to the kernel log");
  });

  it("a module named vmlinux", () => {
    const diagnosis = diagnoseLoadFailure({
      module: "vmlinux",
      exitCode: 1,
      stderr: busyboxEinval,
      kernelLog: ["livepatch: vmlinux.ko: invalid module name"],
    });
    expect(diagnosis.kind).toBe("invalid-module-name");
    expect(diagnosis.detail).toContain('"livepatch: vmlinux.ko: invalid module name"');
    expect(diagnosis.hint).toMatch(/^rename the module/);
  });

  it("too many array elements: quotes the kernel line, not the truncated per-value lines", () => {
    const kernelLog = [
      "values: can only take 8 arguments",
      "x: `1' invalid for parameter `values'",
      "values: can only take 8 arguments",
      "x: `1' invalid for parameter `values'",
    ];
    const diagnosis = diagnoseLoadFailure({
      module: "x",
      exitCode: 1,
      stderr: busyboxEinval,
      kernelLog,
      parameters: ["values=1,1,1,1,1,1,1,1,1"],
    });
    expect(diagnosis.kind).toBe("invalid-parameters");
    expect(diagnosis.detail).toBe('the kernel log says: "values: can only take 8 arguments"');
  });

  it("a repeated invalid-value line is listed once", () => {
    const diagnosis = diagnoseLoadFailure(input("provider", findStep(session, "insmod provider.ko count=abc")));
    expect(diagnosis.detail).toBe('invalid value for count="abc"');
  });
});

describe("environment: vm", () => {
  const noVmAdvice = (hint: string) => expect(hint).not.toMatch(/kforge vm|in a VM|reboot/);

  it("crash, signature and unload hints do not send the user to a VM or to reboot", () => {
    const crash = diagnoseLoadFailure({ ...input("oops", findStep(session, "insmod oops.ko")), environment: "vm" });
    expect(crash.kind).toBe("crashed");
    noVmAdvice(crash.hint);
    expect(diagnoseLoadFailure(input("oops", findStep(session, "insmod oops.ko"))).hint).toContain("kforge vm");
    noVmAdvice(diagnoseLoadFailure({ ...input("slowexit", findStep(session, "insmod slowexit.ko", 1)), environment: "vm" }).hint);
    noVmAdvice(diagnoseLoadFailure({ ...input("provider", findStep(session, "insmod provider-signed.ko")), environment: "vm" }).hint);
    noVmAdvice(diagnoseUnloadFailure({ ...input("permanent", findStep(session, "rmmod permanent")), environment: "vm" }).hint);
    const lockdown = {
      module: "x",
      exitCode: 1,
      stderr: "insmod: can't insert 'x.ko': Operation not permitted\n",
      kernelLog: ["Lockdown: insmod: unsigned module loading is restricted; see man kernel_lockdown.7"],
      environment: "vm" as const,
    };
    noVmAdvice(diagnoseLoadFailure(lockdown).hint);
  });

  it("no module support names the guest kernel", () => {
    const diagnosis = diagnoseLoadFailure({
      module: "dummy",
      exitCode: 1,
      stderr: readFixture("loader/busybox-insmod-enosys.stderr"),
      kernelLog: [],
      environment: "vm",
    });
    expect(diagnosis.title).toBe("the guest kernel cannot load modules");
    noVmAdvice(diagnosis.hint);
  });

  it("vermagic mismatch: rebuild for the guest's release", () => {
    const diagnosis = diagnoseLoadFailure({
      ...input("provider", findStep(session, "insmod provider-6.1.ko")),
      moduleVermagic: "6.1.0-850-amd64 SMP",
      expectedVermagic: "6.12.850+deb12-amd64 SMP",
      environment: "vm",
    });
    expect(diagnosis.hint).toBe("rebuild for the guest kernel: kforge build --kernel 6.12.850+deb12-amd64");
  });
});
