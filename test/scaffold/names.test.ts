import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { MAX_MODULE_NAME_LENGTH, normaliseModuleName } from "../../src/scaffold/names.js";

function rejection(name: string): UsageError {
  try {
    normaliseModuleName(name);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return error as UsageError;
  }
  throw new Error(`"${name}" was accepted`);
}

describe("normaliseModuleName", () => {
  it("accepts lowercase identifiers unchanged", () => {
    expect(normaliseModuleName("my_driver2")).toEqual({ name: "my_driver2" });
  });

  it("turns dashes into underscores and says so", () => {
    const result = normaliseModuleName("my-driver");
    expect(result.name).toBe("my_driver");
    expect(result.notice).toContain('using "my_driver"');
  });

  it("rejects path separators and .. with a hint to use --dir", () => {
    for (const name of ["a/b", "..", "../evil", "a\\b", "x..y"]) {
      const error = rejection(name);
      expect(error.message).toContain("path separator");
      expect(error.hint).toContain("--dir");
    }
  });

  it("rejects what is not a lowercase C identifier", () => {
    expect(rejection("").message).toContain("empty");
    expect(rejection("MyDriver").hint).toBe('use "mydriver"');
    expect(rejection("2fast").message).toContain("start with a lowercase letter");
    expect(rejection("_hidden").message).toContain("start with a lowercase letter");
    expect(rejection("bad.name").message).toContain('character "."');
    expect(rejection("café").message).toContain('character "é"');
  });

  it("allows 55 characters and no more (the kernel's MODULE_NAME_LEN)", () => {
    expect(normaliseModuleName("a".repeat(MAX_MODULE_NAME_LENGTH)).name).toHaveLength(55);
    expect(rejection("a".repeat(56)).message).toContain("at most 55");
  });

  it("rejects C keywords and names whose generated symbols collide with the kernel's", () => {
    expect(rejection("int").message).toContain("C keyword");
    expect(rejection("typeof").message).toContain("C keyword");
    const seq = rejection("seq");
    expect(seq.message).toContain("seq_init");
    expect(seq.hint).toContain('"my_seq"');
    for (const name of ["module", "mutex", "kobject", "sysfs", "misc", "single", "copy", "printk", "memcpy"]) rejection(name);
  });
  it("rejects vmlinux, which modpost and the module loader keep for the kernel image", () => {
    expect(() => normaliseModuleName("vmlinux")).toThrow(/invalid module name "vmlinux": .*reserved for the kernel image/);
    expect(normaliseModuleName("my_vmlinux").name).toBe("my_vmlinux");
  });
});
