import { describe, expect, it } from "vitest";
import { explainKernelLine, parseKmsgRecord } from "../../src/kernel-log/explain.js";

describe("parseKmsgRecord", () => {
  it("splits priority into facility and level and keeps the sequence number", () => {
    // First record read from this machine's /dev/kmsg.
    const record = parseKmsgRecord(
      "5,0,0,-;Linux version 6.18.44-fc-v669 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0",
    );
    expect(record).toMatchObject({ level: 5, facility: 0, sequence: 0, timestampUs: 0 });
    expect(record?.message).toMatch(/^Linux version 6\.18/);
  });

  it("unescapes \\xNN, drops dictionary continuation lines and handles extra prefix fields", () => {
    expect(parseKmsgRecord("12,1234,5678901,-,caller=T42;hello:\\x09tab\n SUBSYSTEM=module\n")).toEqual({
      level: 4,
      facility: 1,
      sequence: 1234,
      timestampUs: 5678901,
      message: "hello:\ttab",
    });
  });

  it("returns undefined for malformed records", () => {
    expect(parseKmsgRecord("no semicolon")).toBeUndefined();
    expect(parseKmsgRecord("x,1,2,-;text")).toBeUndefined();
    expect(parseKmsgRecord("6,1;short")).toBeUndefined();
  });
});

describe("explainKernelLine", () => {
  it.each([
    ["[   12.5] hello: loading out-of-tree module taints kernel.", /out-of-tree/],
    ["hello: module verification failed: signature and/or required key missing - tainting kernel", /unsigned/],
    ["hello: module license 'unspecified' taints kernel.", /MODULE_LICENSE is missing/],
    ["hello: module license 'Proprietary' taints kernel.", /"Proprietary", not GPL-compatible/],
    [
      "hello: version magic '6.1.0-850-amd64 SMP preempt mod_unload modversions " +
        "' should be '6.12.850+deb12-amd64 SMP preempt mod_unload modversions '",
      /built for "6\.1\.0-850-amd64/,
    ],
    ["consumer: disagrees about version of symbol provider_add", /CRC of provider_add/],
    ["consumer: Unknown symbol provider_add (err -2)", /exports provider_add/],
    ["Loading of unsigned module is rejected", /unsigned: sign it/],
    ["Loading of module with unavailable key is rejected", /mokutil --import/],
    ["Loading of module with unsupported crypto is rejected", /cannot check: sign it with the kernel's CONFIG_MODULE_SIG_HASH/],
    ["BUG: kernel NULL pointer dereference, address: 0000000000000000", /NULL pointer/],
    ["Oops: 0002 [#1] PREEMPT SMP NOPTI", /oops/],
    ["WARNING: CPU: 0 PID: 74 at /tmp/x/warn.c:9 warn_init+0x15/0x1000 [warn]", /WARN_ON/],
    ["RIP: 0010:oops_init+0x15/0x1000 [oops]", /oops_init\+0x15/],
    // Written from kernel/params.c param_array() and kernel/livepatch/core.c klp_module_coming().
    ["values: can only take 8 arguments", /array parameter values got the wrong number/],
    ["values: needs at least 2 arguments", /array parameter values/],
    ["livepatch: vmlinux.ko: invalid module name", /may not be named vmlinux/],
  ])("%s", (line, expected) => {
    expect(explainKernelLine(line)).toMatch(expected);
  });

  it("says nothing about ordinary lines", () => {
    expect(explainKernelLine("hello: world")).toBeUndefined();
  });
});
