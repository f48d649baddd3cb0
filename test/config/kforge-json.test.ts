import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig } from "../../src/config/kforge-json.js";
import { UsageError } from "../../src/errors.js";

describe("kforge.json", () => {
  it("accepts every documented key", () => {
    const config = parseConfig(
      JSON.stringify({
        kernel: ["6.1.0-850-amd64"],
        make: { jobs: 2, llvm: false, warnings: 1, werror: true, check: false, variables: { DEBUG: "1" } },
        params: { hello: { count: 3, name: "x", verbose: true } },
        vm: { test: ["cat /proc/hello"], timeout: 30, accel: "tcg", memory: 256, modules: ["hello"], devices: ["edu", "usb-kbd"] },
      }),
    );
    expect(config.make?.variables).toEqual({ DEBUG: "1" });
    expect(parseConfig('{"vm": {"userspace": "host", "projectWritable": true}}').vm).toEqual({ userspace: "host", projectWritable: true });
    expect(() => parseConfig('{"vm": {"userspace": "debian"}}')).toThrow("vm.userspace must be");
    expect(config.params?.hello?.count).toBe(3);
  });

  it("accepts kforge check's section and names a wrong checker or severity", () => {
    const config = parseConfig(
      JSON.stringify({
        check: {
          checkers: ["checkpatch", "coccinelle"],
          ignore: { checkpatch: ["SPACING"], sparse: ["address space"], w1: ["-Wmissing-prototypes"], coccinelle: ["api/memdup"] },
          failOn: ["error", "warning"],
          semanticPatches: ["api/memdup"],
          timeout: 600,
          source: "../linux",
        },
      }),
    );
    expect(config.check?.ignore?.sparse).toEqual(["address space"]);
    expect(() => parseConfig('{"check": {"checkers": ["smatch"]}}')).toThrow(
      'check.checkers must be a list of "checkpatch", "sparse", "w1", "coccinelle"',
    );
    expect(() => parseConfig('{"check": {"failOn": ["fatal"]}}')).toThrow("check.failOn must be a list of");
    expect(() => parseConfig('{"check": {"ignore": {"clang": []}}}')).toThrow("unknown key check.ignore.clang");
  });

  it("names the path of an unknown key", () => {
    expect(() => parseConfig('{"make": {"job": 2}}')).toThrow("kforge.json: unknown key make.job");
    expect(() => parseConfig('{"kernal": "x"}')).toThrow("unknown key kernal");
  });

  it("rejects keys every object inherits, finds no inherited value, and skips a byte order mark", () => {
    for (const key of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect(() => parseConfig(`{"${key}": {}}`), key).toThrow(`kforge.json: unknown key ${key}`);
      expect(() => parseConfig(`{"make": {"${key}": 1}}`), key).toThrow(`kforge.json: unknown key make.${key}`);
    }
    // A module may be named so: its parameters are its own, and a project without it finds none.
    expect(parseConfig('{"params": {"constructor": {"count": 1}}}').params?.constructor).toEqual({ count: 1 });
    expect(parseConfig('{"params": {"hello": {}}}').params?.constructor).toBeUndefined();
    expect(parseConfig('\uFEFF{"kdir": "/k"}')).toEqual({ kdir: "/k" });
  });

  it("names the path and the expected type of a wrong value", () => {
    expect(() => parseConfig('{"make": {"jobs": "4"}}')).toThrow('make.jobs must be a positive whole number, got "4"');
    expect(() => parseConfig('{"vm": {"accel": "hvf"}}')).toThrow("vm.accel must be one of");
    expect(() => parseConfig('{"vm": {"modules": "hello"}}')).toThrow("vm.modules must be");
    expect(() => parseConfig('{"params": {"hello": {"count": [1]}}}')).toThrow("params.hello.count must be a string, number or boolean");
  });

  it("reports invalid JSON as a usage error and treats a missing file as empty", async () => {
    expect(() => parseConfig("{")).toThrow(UsageError);
    const dir = mkdtempSync(join(tmpdir(), "kforge-config-"));
    expect(await loadConfig(dir)).toEqual({});
    writeFileSync(join(dir, "kforge.json"), '{"kdir": 3}');
    await expect(loadConfig(dir)).rejects.toThrow("kdir must be a string");
    rmSync(dir, { recursive: true, force: true });
  });
  function hintOf(text: string): { message: string; hint?: string } {
    try {
      parseConfig(text);
    } catch (error) {
      return { message: (error as UsageError).message, hint: (error as UsageError).hint };
    }
    throw new Error(`parseConfig accepted ${text}`);
  }

  it("says the top level must be an object, without an empty key path", () => {
    const { message, hint } = hintOf("[]");
    expect(message).toBe("the top level of kforge.json must be an object, got []");
    expect(hint).toContain("JSON object");
    expect(hint).not.toContain("fix  in");
  });

  it("shows the per-module form when params holds a parameter directly", () => {
    const { message, hint } = hintOf('{"params": {"count": 2}}');
    expect(message).toContain("params.count must be an object, got 2");
    expect(hint).toContain('{"params": {"<module>": {"count": 2}}}');
  });

  it("suggests the known key an unknown one was probably meant to be", () => {
    expect(hintOf('{"vm": {"tests": ["x"]}}').hint).toMatch(/^did you mean vm\.test\?/);
    expect(hintOf('{"make": {"job": 2}}').hint).toMatch(/^did you mean make\.jobs\?/);
    expect(hintOf('{"kernal": "x"}').hint).toMatch(/^did you mean kernel\?/);
    expect(hintOf('{"vm": {"accelerator": "kvm"}}').hint).toBe(
      "known keys here: kernel, test, timeout, accel, memory, modules, devices, userspace, projectWritable, artifacts",
    );
  });
});
