import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { checkModuleParameters, listDeclaredParameters, resolveModuleParameters } from "../../src/vm/module-parameters.js";

describe("resolveModuleParameters", () => {
  it("merges kforge.json params with words after --, the command line winning", () => {
    const result = resolveModuleParameters(["greet"], { greet: { count: 2, loud: true, who: "json" } }, ["who=cli"]);
    expect(result.get("greet")).toEqual(["count=2", "loud=1", "who=cli"]);
  });

  it("targets one module with module.name=value and refuses an unqualified name when several are built", () => {
    const result = resolveModuleParameters(["provider", "greet"], undefined, ["greet.count=3"]);
    expect(result.get("greet")).toEqual(["count=3"]);
    expect(result.get("provider")).toEqual([]);
    expect(() => resolveModuleParameters(["provider", "greet"], undefined, ["count=3"])).toThrow(/does not say which module/);
    expect(() => resolveModuleParameters(["greet"], undefined, ["other.count=3"])).toThrow(UsageError);
    expect(() => resolveModuleParameters(["greet"], undefined, ["--verbose"])).toThrow(/not a module parameter/);
  });
});

describe("checkModuleParameters", () => {
  // greet.ko's .modinfo: parmtype=count:int, parmtype=who:charp (no MODULE_PARM_DESC).
  const declared = new Map([["greet", listDeclaredParameters([], ["count:int", "who:charp"])]]);

  it("accepts declared parameters (dashes or underscores) and the kernel-wide dyndbg", () => {
    expect(() => checkModuleParameters(new Map([["greet", ["count=3", "who=x", "dyndbg=+p"]]]), declared)).not.toThrow();
    const described = listDeclaredParameters(["debug_level:how chatty (0-3)"], ["debug_level:uint"]);
    expect(described).toEqual([{ name: "debug_level", type: "uint" }]);
    expect(() => checkModuleParameters(new Map([["m", ["debug-level=2"]]]), new Map([["m", described]]))).not.toThrow();
  });

  it("refuses an unknown parameter before booting, naming the ones the module has", () => {
    const check = () => checkModuleParameters(new Map([["greet", ["nosuch=1"]]]), declared);
    expect(check).toThrow(UsageError);
    expect(check).toThrow(/greet has no parameter "nosuch"/);
    try {
      check();
    } catch (error) {
      expect((error as UsageError).hint).toContain("count (int), who (charp)");
    }
    expect(() => checkModuleParameters(new Map([["quiet", ["x=1"]]]), new Map([["quiet", []]]))).toThrow(/quiet has no parameter/);
  });
});
