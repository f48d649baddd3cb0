import { describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { resolveModuleParameters } from "../../src/vm/module-parameters.js";

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
